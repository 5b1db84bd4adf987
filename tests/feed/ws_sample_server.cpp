// tests/feed/ws_sample_server.cpp
//
// A local stand-in for Bybit's public WebSocket, for the live-feed end-to-end test: TLS with the
// given certificate on 127.0.0.1 (any free port, written to --port-file once listening), one
// session at a time. Each session acks the client's subscribe frames, then streams every market
// message of a capture (op lines skipped, one message per frame) and answers pings until the
// client leaves.
//
//   ws_sample_server --cert c.pem --key k.pem --sample data/sample/x.jsonl --port-file port.txt
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;

namespace {

using server_ws = websocket::stream<asio::ssl::stream<tcp::socket>>;

/// Reads one frame; empty optional-like flag via `ok`.
bool read_frame(server_ws& ws, std::string& out) {
    boost::beast::flat_buffer buf;
    boost::system::error_code ec;
    ws.read(buf, ec);
    if (ec) return false;
    out = boost::beast::buffers_to_string(buf.data());
    return true;
}

bool write_frame(server_ws& ws, std::string_view text) {
    boost::system::error_code ec;
    ws.text(true);
    ws.write(asio::buffer(text.data(), text.size()), ec);
    return !ec;
}

std::string req_id_of(const std::string& frame) {
    const std::string key = R"("req_id":")";
    const auto at = frame.find(key);
    if (at == std::string::npos) return {};
    const auto start = at + key.size();
    return frame.substr(start, frame.find('"', start) - start);
}

void session(server_ws& ws, const std::vector<std::string>& messages) {
    std::string frame;
    if (!read_frame(ws, frame) || frame.find(R"("op":"subscribe")") == std::string::npos) return;
    const std::string ack = R"({"success":true,"ret_msg":"","conn_id":"sample-server","req_id":")" +
                            req_id_of(frame) + R"(","op":"subscribe"})";
    if (!write_frame(ws, ack)) return;
    for (const auto& m : messages) {
        if (!write_frame(ws, m)) return;
    }
    while (read_frame(ws, frame)) {
        if (frame.find(R"("op":"ping")") != std::string::npos) {
            const std::string pong = R"({"success":true,"ret_msg":"pong","conn_id":"sample-server","req_id":")" +
                                     req_id_of(frame) + R"(","op":"ping"})";
            if (!write_frame(ws, pong)) return;
        } else if (frame.find(R"("op":"subscribe")") != std::string::npos) {
            const std::string again = R"({"success":true,"ret_msg":"","conn_id":"sample-server","req_id":")" +
                                      req_id_of(frame) + R"(","op":"subscribe"})";
            if (!write_frame(ws, again)) return;
        }
    }
}

}  // namespace

namespace {

int serve(int argc, char** argv) {
    std::string cert, key, sample, port_file;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view flag = argv[i];
        const std::string value = argv[i + 1];
        if (flag == "--cert") cert = value;
        else if (flag == "--key") key = value;
        else if (flag == "--sample") sample = value;
        else if (flag == "--port-file") port_file = value;
    }
    if (cert.empty() || key.empty() || sample.empty() || port_file.empty()) {
        std::cerr << "usage: ws_sample_server --cert PEM --key PEM --sample JSONL --port-file PATH\n";
        return 2;
    }
    std::vector<std::string> messages;
    {
        std::ifstream in(sample);
        if (!in) {
            std::cerr << "cannot open " << sample << "\n";
            return 2;
        }
        for (std::string line; std::getline(in, line);) {
            if (line.empty() || line.find(R"("op":)") != std::string::npos) continue;
            messages.push_back(std::move(line));
        }
    }
    asio::io_context io;
    asio::ssl::context tls{asio::ssl::context::tls_server};
    tls.use_certificate_chain_file(cert);
    tls.use_private_key_file(key, asio::ssl::context::pem);
    tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
    {
        const std::string tmp = port_file + ".tmp";
        std::ofstream(tmp) << acceptor.local_endpoint().port() << "\n";
        std::filesystem::rename(tmp, port_file);
    }
    for (;;) {
        tcp::socket sock{io};
        boost::system::error_code ec;
        acceptor.accept(sock, ec);
        if (ec) continue;
        server_ws ws{std::move(sock), tls};
        ws.next_layer().handshake(asio::ssl::stream_base::server, ec);
        if (ec) continue;
        ws.accept(ec);
        if (ec) continue;
        session(ws, messages);
    }
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return serve(argc, argv);
    } catch (const std::exception& e) {
        std::fputs("ws_sample_server: ", stderr);
        std::fputs(e.what(), stderr);
        std::fputs("\n", stderr);
    }
    return 1;
}
