#include "core/secret_box.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include <spdlog/spdlog.h>

namespace upravdom {

std::string DefaultSecretKeyFile(const std::string& db_url) {
  const std::string prefix = "sqlite:";
  if (db_url.rfind(prefix, 0) == 0) {
    std::string file = db_url.substr(prefix.size());
    if (!file.empty() && file != ":memory:") {
      std::filesystem::path dir = std::filesystem::path(file).parent_path();
      return (dir.empty() ? std::filesystem::path("secret.key") : dir / "secret.key").string();
    }
  }
  return "data/secret.key";
}

bool CreateSecretKeyFileIfMissing(const std::string& path) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  if (std::filesystem::exists(path)) return false;
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  // O_EXCL: two servers starting at once over one directory never overwrite each other's key.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    throw std::runtime_error("cannot create the secret key file " + path + ": " +
                             std::strerror(errno));
  }
  SecretBox::Key key;
  randombytes_buf(key.data(), key.size());
  bool ok = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  sodium_memzero(key.data(), key.size());
  if (!ok) {
    std::filesystem::remove(path);
    throw std::runtime_error("cannot write the secret key file " + path);
  }
  return true;
}

const SecretBox::Key& SecretBox::LoadedKey() {
  std::lock_guard lock(mutex_);
  if (key_) return *key_;
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  // A key others on the machine can read unseals every stored password: say so loudly.
  struct stat info {};
  if (::stat(key_file_.c_str(), &info) == 0 && (info.st_mode & 077) != 0)
    spdlog::warn("the secret key file {} is readable by others (mode {:o}); chmod 600 it",
                 key_file_, info.st_mode & 0777);
  std::ifstream in(key_file_, std::ios::binary);
  if (!in) throw std::runtime_error("the secret key file " + key_file_ + " cannot be read");
  Key key;
  in.read(reinterpret_cast<char*>(key.data()), key.size());
  if (in.gcount() != static_cast<std::streamsize>(key.size()) || in.get() != EOF)
    throw std::runtime_error("the secret key file " + key_file_ + " must hold exactly 32 bytes");
  key_ = key;
  return *key_;
}

std::string ToBase64(std::string_view bytes) {
  std::string encoded(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL),
                      '\0');
  sodium_bin2base64(encoded.data(), encoded.size(),
                    reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  encoded.resize(encoded.size() - 1);  // the terminating NUL
  return encoded;
}

std::optional<std::string> FromBase64(std::string_view text) {
  std::string bytes(text.size() / 4 * 3 + 3, '\0');
  size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), text.data(),
                        text.size(), nullptr, &length, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size())
    return std::nullopt;
  bytes.resize(length);
  return bytes;
}

std::string SecretBox::Seal(const std::string& plain) {
  const Key& key = LoadedKey();
  std::vector<unsigned char> box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
                                 plain.size());
  unsigned char* nonce = box.data();
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(box.data() + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), nonce,
                        key.data());
  return ToBase64(std::string_view(reinterpret_cast<const char*>(box.data()), box.size()));
}

std::string SecretBox::Open(const std::string& sealed) {
  const Key& key = LoadedKey();
  const std::optional<std::string> decoded = FromBase64(sealed);
  if (!decoded || decoded->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    throw std::runtime_error("a sealed secret is damaged");
  const auto* box = reinterpret_cast<const unsigned char*>(decoded->data());
  const size_t length = decoded->size();
  std::string plain(length - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 box + crypto_secretbox_NONCEBYTES,
                                 length - crypto_secretbox_NONCEBYTES, box, key.data()) != 0)
    throw std::runtime_error(
        "a sealed secret does not open with this key (was the key file "
        "replaced?)");
  return plain;
}

}  // namespace upravdom
