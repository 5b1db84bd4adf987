// mmbot/app/runtime/journal_file.hpp
//
// The run's order journal: --journal, else the config's journal.path; its directory is created,
// then engine::journal::open takes the lock before anything in the file is read or written.
// Shadow opens it with journal_open_mode::start_fresh (a replay starts from an empty venue),
// testnet and live with recover. Any failure stops the run with exit 5 (journal).
#pragma once

#include "mmbot/app/cli.hpp"
#include "mmbot/app/config.hpp"
#include "mmbot/app/runtime/failure.hpp"
#include "mmbot/engine/journal.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace mmbot::app {

[[nodiscard]] inline std::string journal_path_of(const cli_options& opts, const config& cfg) {
    return opts.journal_path.empty() ? cfg.journal.path : opts.journal_path;
}

[[nodiscard]] inline engine::journal_options journal_options_of(const config& c) {
    engine::journal_options j;
    j.policy = c.journal.fsync == "every_record" ? engine::fsync_policy::every_record
               : c.journal.fsync == "interval"   ? engine::fsync_policy::interval
                                                 : engine::fsync_policy::none;
    j.interval = c.journal.fsync_interval;
    return j;
}

/// Creates the journal's directory (an error there shows up as open's own, naming the path).
[[nodiscard]] inline outcome<engine::journal::opened> open_journal(const std::string& path,
                                                                   std::string_view environment,
                                                                   const engine::journal_options& options,
                                                                   engine::journal_open_mode mode) {
    std::error_code ec;
    if (const auto parent = std::filesystem::path(path).parent_path(); !parent.empty()) {
        std::filesystem::create_directories(parent, ec);
    }
    auto opened = engine::journal::open(path, environment, options, mode);
    if (!opened) return fail_with(exit_code::journal, opened.error());
    return std::move(*opened);
}

}  // namespace mmbot::app
