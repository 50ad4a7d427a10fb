#include "core/secret_box.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

using namespace upravdom;

namespace {

std::filesystem::path TempDir() {
  static int counter = 0;
  auto dir = std::filesystem::temp_directory_path() /
             ("upravdom-secret-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  return dir;
}

}  // namespace

TEST(SecretBox, DefaultKeyFileSitsBesideTheSqliteDatabase) {
  EXPECT_EQ(DefaultSecretKeyFile("sqlite:/var/lib/upravdom/crm.db"),
            "/var/lib/upravdom/secret.key");
  EXPECT_EQ(DefaultSecretKeyFile("sqlite:crm.db"), "secret.key");
  EXPECT_EQ(DefaultSecretKeyFile("postgresql://u@h/db"), "data/secret.key");
  EXPECT_EQ(DefaultSecretKeyFile("sqlite::memory:"), "data/secret.key");
}

TEST(SecretBox, KeyFileIsCreatedOnceWithMode0600) {
  auto dir = TempDir();
  const std::string path = (dir / "sub" / "secret.key").string();
  EXPECT_TRUE(CreateSecretKeyFileIfMissing(path));
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(info.st_size, 32);
  std::ifstream in(path, std::ios::binary);
  std::string before((std::istreambuf_iterator<char>(in)), {});
  EXPECT_FALSE(CreateSecretKeyFileIfMissing(path));  // kept, not replaced
  std::ifstream again(path, std::ios::binary);
  std::string after((std::istreambuf_iterator<char>(again)), {});
  EXPECT_EQ(before, after);
  std::filesystem::remove_all(dir);
}

TEST(SecretBox, SealsAndOpensWithTheKeyFromTheFile) {
  auto dir = TempDir();
  const std::string path = (dir / "secret.key").string();
  CreateSecretKeyFileIfMissing(path);
  SecretBox box(path);
  const std::string secret = "пароль FTP: s3cr3t!";
  std::string sealed = box.Seal(secret);
  EXPECT_EQ(sealed.find("s3cr3t"), std::string::npos);
  EXPECT_NE(box.Seal(secret), sealed) << "a fresh nonce per seal";
  EXPECT_EQ(box.Open(sealed), secret);
  EXPECT_EQ(SecretBox(path).Open(sealed), secret) << "another instance, same key file";
  EXPECT_EQ(box.Open(box.Seal("")), "");
  std::filesystem::remove_all(dir);
}

TEST(SecretBox, RefusesAnotherKeyAndDamage) {
  SecretBox::Key one{}, two{};
  two[0] = 1;
  SecretBox a(one), b(two);
  std::string sealed = a.Seal("secret");
  EXPECT_THROW(b.Open(sealed), std::runtime_error);
  std::string damaged = sealed;
  damaged[damaged.size() / 2] = damaged[damaged.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_THROW(a.Open(damaged), std::runtime_error);
  EXPECT_THROW(a.Open("not base64!"), std::runtime_error);
  EXPECT_THROW(a.Open(""), std::runtime_error);
}

TEST(SecretBox, MissingOrShortKeyFileIsAnError) {
  auto dir = TempDir();
  EXPECT_THROW(SecretBox((dir / "none.key").string()).Seal("x"), std::runtime_error);
  std::filesystem::create_directories(dir);
  std::ofstream((dir / "short.key").string()) << "short";
  EXPECT_THROW(SecretBox((dir / "short.key").string()).Seal("x"), std::runtime_error);
  std::filesystem::remove_all(dir);
}

TEST(Base64, RoundTripsBinaryBytesAndRefusesOtherText) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  for (size_t size : {0u, 1u, 2u, 3u, 4u, 255u, 256u}) {
    const std::string part = bytes.substr(0, size);
    EXPECT_EQ(FromBase64(ToBase64(part)), part) << size;
  }
  EXPECT_EQ(ToBase64("PK\x03\x04"), "UEsDBA==");
  EXPECT_EQ(FromBase64("UEsDBA=="), std::string("PK\x03\x04"));
  EXPECT_FALSE(FromBase64("UEsD BA=="));
  EXPECT_FALSE(FromBase64("UEsDBA==трали"));
}
