// testing/local_venue/cert.hpp
//
// The local venue's TLS identity: a self-signed certificate made at start-up with the OpenSSL C
// API (EC P-256, CN=localhost, subjectAltName DNS:localhost and IP:127.0.0.1, valid from one hour
// ago for `days`), or a certificate and key read from PEM files. The certificate is its own CA, so
// a client trusts the venue by adding exactly this PEM (net::trust_pem) and keeps full
// verification on: chain and host name.
//
//   auto id = make_self_signed();          // result<tls_identity>
//   write_pem_file("/tmp/venue.crt", id->cert_pem);
//
// Errors: local_tls (an OpenSSL step failed; the message names the step), local_io (a file could
// not be read or written; the message names the path).
#pragma once

#include "mmbot/core/error.hpp"
#include "testing/local_venue/errors.hpp"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace mmbot::venue::local {

struct tls_identity {
    std::string cert_pem;
    std::string key_pem;  ///< never logged; stays in memory unless --key-out asks otherwise
};

namespace detail {
struct pkey_free {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct x509_free {
    void operator()(X509* x) const noexcept { X509_free(x); }
};
struct bio_free {
    void operator()(BIO* b) const noexcept { BIO_free(b); }
};
struct ext_free {
    void operator()(X509_EXTENSION* e) const noexcept { X509_EXTENSION_free(e); }
};
using bio_ptr = std::unique_ptr<BIO, bio_free>;

[[nodiscard]] inline core::error tls_error(std::string_view step) {
    return core::make_error(errc::tls, fmt::format("self-signed certificate: {} failed", step));
}

[[nodiscard]] inline std::string bio_text(BIO* b) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(b, &data);
    return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

[[nodiscard]] inline bool add_ext(X509* cert, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    const std::unique_ptr<X509_EXTENSION, ext_free> ext{
        X509V3_EXT_conf_nid(nullptr, &ctx, nid, value)};
    return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}
}  // namespace detail

/// A fresh EC P-256 key and a self-signed certificate for localhost / 127.0.0.1.
[[nodiscard]] inline core::result<tls_identity> make_self_signed(int days = 7) {
    const std::unique_ptr<EVP_PKEY, detail::pkey_free> key{EVP_EC_gen("P-256")};
    if (!key) return detail::tls_error("EVP_EC_gen(P-256)");
    const std::unique_ptr<X509, detail::x509_free> cert{X509_new()};
    if (!cert) return detail::tls_error("X509_new");
    std::array<unsigned char, 16> serial{};
    if (RAND_bytes(serial.data(), static_cast<int>(serial.size())) != 1) {
        return detail::tls_error("RAND_bytes");
    }
    serial[0] &= 0x7FU;  // a positive serial number
    BIGNUM* bn = BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr);
    const bool serial_ok = bn != nullptr &&
                           BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get())) != nullptr;
    BN_free(bn);
    if (!serial_ok) return detail::tls_error("serial number");
    constexpr long hour = 3600;
    if (X509_set_version(cert.get(), 2) != 1 ||
        X509_gmtime_adj(X509_getm_notBefore(cert.get()), -hour) == nullptr ||
        X509_gmtime_adj(X509_getm_notAfter(cert.get()), long{days} * 24 * hour) == nullptr ||
        X509_set_pubkey(cert.get(), key.get()) != 1) {
        return detail::tls_error("validity or public key");
    }
    X509_NAME* name = X509_get_subject_name(cert.get());
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): OpenSSL takes octets
    const auto* cn = reinterpret_cast<const unsigned char*>("localhost");
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, cn, -1, -1, 0) != 1 ||
        X509_set_issuer_name(cert.get(), name) != 1) {
        return detail::tls_error("subject name");
    }
    if (!detail::add_ext(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1") ||
        !detail::add_ext(cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
        !detail::add_ext(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign") ||
        !detail::add_ext(cert.get(), NID_ext_key_usage, "serverAuth") ||
        !detail::add_ext(cert.get(), NID_subject_key_identifier, "hash")) {
        return detail::tls_error("extensions");
    }
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) return detail::tls_error("X509_sign");

    const detail::bio_ptr cert_bio{BIO_new(BIO_s_mem())};
    const detail::bio_ptr key_bio{BIO_new(BIO_s_mem())};
    if (!cert_bio || !key_bio || PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1 ||
        PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                 nullptr) != 1) {
        return detail::tls_error("PEM encoding");
    }
    return tls_identity{detail::bio_text(cert_bio.get()), detail::bio_text(key_bio.get())};
}

/// Reads a whole text file. Error local_io naming the path.
[[nodiscard]] inline core::result<std::string> read_text_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return core::make_error(errc::io, fmt::format("{}: cannot open for reading", p.string()));
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) return core::make_error(errc::io, fmt::format("{}: read failed", p.string()));
    return text;
}

/// Writes `text` to `p` (replacing it) through a temporary file and a rename, so a reader polling
/// for the file never sees half of it. Error local_io naming the path.
[[nodiscard]] inline core::result<void> write_text_file(const std::filesystem::path& p,
                                                        std::string_view text) {
    const std::filesystem::path tmp = p.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) {
            return core::make_error(errc::io, fmt::format("{}: cannot open for writing", tmp.string()));
        }
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        if (!out.flush()) {
            return core::make_error(errc::io, fmt::format("{}: write failed", tmp.string()));
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, p, ec);
    if (ec) {
        return core::make_error(errc::io,
                                fmt::format("{}: rename from {} failed: {}", p.string(),
                                            tmp.string(), ec.message()));
    }
    return {};
}

/// --cert/--key: a certificate chain and private key in PEM files.
[[nodiscard]] inline core::result<tls_identity> load_identity(const std::filesystem::path& cert,
                                                              const std::filesystem::path& key) {
    auto c = read_text_file(cert);
    if (!c) return c.error();
    auto k = read_text_file(key);
    if (!k) return k.error();
    return tls_identity{std::move(*c), std::move(*k)};
}

}  // namespace mmbot::venue::local
