// Password hashing (argon2id) and random tokens, through libsodium.
#pragma once

#include <string>

namespace upravdom::access {

// Must be called once before any other function here (initialises libsodium).
void InitCrypto();

std::string HashPassword(const std::string& password);
bool VerifyPassword(const std::string& password, const std::string& hash);
// `bytes` random bytes as URL-safe base64 without padding.
std::string RandomToken(size_t bytes);
// The digest stored in place of a token (hex of BLAKE2b-256): a stolen database does not
// give working tokens.
std::string TokenDigest(const std::string& token);
// Compares two digests in constant time (no early exit on the first differing byte).
bool SameDigest(const std::string& a, const std::string& b);
// `count` uniformly random decimal digits (one-time codes), from the system's CSPRNG.
std::string RandomDigits(int count);

}  // namespace upravdom::access
