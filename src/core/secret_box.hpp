// Secrets the server must read back (an organisation's FTP password) are stored sealed with
// libsodium's crypto_secretbox (XSalsa20-Poly1305) under a 32-byte key kept in a file beside
// the data, not in the database: a copy of the database alone does not reveal them.
#pragma once

#include <array>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace upravdom {

// Standard base64 (with padding) of bytes, and the bytes back (nullopt for text that is not
// base64): binary content in a TEXT column of either database.
std::string ToBase64(std::string_view bytes);
std::optional<std::string> FromBase64(std::string_view text);

// The default key file for a database URL: `secret.key` beside an SQLite file, otherwise
// `data/secret.key`.
std::string DefaultSecretKeyFile(const std::string& db_url);

// Creates the key file (32 random bytes, mode 0600) unless it exists; returns true when it
// was created. Throws std::runtime_error when it cannot.
bool CreateSecretKeyFileIfMissing(const std::string& path);

class SecretBox {
 public:
  using Key = std::array<unsigned char, 32>;

  // The key is read from `key_file` on first use (the file is created by `serve`).
  explicit SecretBox(std::string key_file) : key_file_(std::move(key_file)) {}
  explicit SecretBox(const Key& key) : key_(key) {}

  // base64 of nonce ‖ cipher: a fresh random nonce per call.
  std::string Seal(const std::string& plain);
  // The plain text; throws std::runtime_error when the text was not sealed with this key.
  std::string Open(const std::string& sealed);

 private:
  const Key& LoadedKey();

  std::string key_file_;
  std::optional<Key> key_;
  std::mutex mutex_;
};

}  // namespace upravdom
