// mmbot/engine/detail/kept_event.hpp
//
// One event object kept between calls, so that the execution loop's order path can build an
// event from the venue's views (an ack's ids, a fill's exec id) without allocating: writing the
// ids over the kept object's strings reuses their capacity. A call nested inside another of the
// same kind (a venue answering inside a call) cannot share the kept object and gets a fresh one.
//
//   kept_event<order_ack> acks;
//   kept_event<order_ack>::lease ack(acks);   // the kept object, or a fresh one when nested
//   ack->client_order_id.assign(id);
//   record(*ack);
#pragma once

#include <optional>

namespace mmbot::engine::detail {

template <class Event>
class kept_event {
public:
    class lease {
    public:
        explicit lease(kept_event& k) : kept_(k), nested_(k.busy_) {
            if (nested_) fresh_.emplace();
            kept_.busy_ = true;
        }
        ~lease() {
            if (!nested_) kept_.busy_ = false;
        }
        lease(const lease&) = delete;
        lease& operator=(const lease&) = delete;
        lease(lease&&) = delete;
        lease& operator=(lease&&) = delete;

        [[nodiscard]] Event& operator*() noexcept { return nested_ ? *fresh_ : kept_.event_; }
        [[nodiscard]] Event* operator->() noexcept { return &**this; }

    private:
        kept_event& kept_;
        bool nested_;
        std::optional<Event> fresh_;
    };

private:
    Event event_{};
    bool busy_ = false;
};

}  // namespace mmbot::engine::detail
