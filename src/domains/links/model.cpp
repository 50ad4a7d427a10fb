#include "domains/links/model.hpp"

#include <numeric>

// GCC's -Wmaybe-uninitialized misfires inside Boost.Multiprecision at -O3.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/multiprecision/cpp_int.hpp>

namespace upravdom::links {

bool IsRole(const std::string& role) {
  return role == "owner" || role == "unconfirmed_owner" || role == "representative" ||
         role == "resident" || role == "tenant";
}

bool IsOwnerRole(const std::string& role) {
  return role == "owner" || role == "unconfirmed_owner";
}

bool NeedsOwner(const std::string& role) {
  return role == "representative" || role == "resident" || role == "tenant";
}

int RoleRank(const std::string& role) {
  if (role == "owner") return 0;
  if (role == "unconfirmed_owner") return 1;
  if (role == "representative") return 2;
  if (role == "resident") return 3;
  return 4;
}

namespace {

constexpr long long kMaxDenominator = 1'000'000;
constexpr int kMaxPercentDecimals = 4;

std::string WithoutSpaces(std::string_view typed) {
  std::string out;
  for (char c : typed)
    if (c != ' ' && c != '\t') out += c;
  return out;
}

// Digits only, at most 18 of them (fits a long long).
std::optional<long long> Digits(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  long long value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::optional<Share> ParseShare(std::string_view typed) {
  const std::string s = WithoutSpaces(typed);
  if (s.empty()) return std::nullopt;
  long long numerator = 0, denominator = 1;
  std::string text;
  if (s.back() == '%') {
    std::string number = s.substr(0, s.size() - 1);
    for (char& c : number)
      if (c == ',') c = '.';
    const size_t point = number.find('.');
    std::string whole = number.substr(0, point);
    std::string fraction = point == std::string::npos ? "" : number.substr(point + 1);
    if (point != std::string::npos && fraction.empty()) return std::nullopt;  // "50.%"
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    if (fraction.size() > kMaxPercentDecimals) return std::nullopt;
    auto whole_value = Digits(whole);
    if (!whole_value || *whole_value > 100) return std::nullopt;
    auto fraction_value = fraction.empty() ? std::optional<long long>(0) : Digits(fraction);
    if (!fraction_value) return std::nullopt;
    long long scale = 1;
    for (size_t i = 0; i < fraction.size(); ++i) scale *= 10;
    numerator = *whole_value * scale + *fraction_value;
    denominator = 100 * scale;
    text = std::to_string(*whole_value) + (fraction.empty() ? "" : "." + fraction) + "%";
  } else {
    const size_t slash = s.find('/');
    if (slash == std::string::npos) return std::nullopt;
    auto n = Digits(s.substr(0, slash));
    auto d = Digits(s.substr(slash + 1));
    if (!n || !d || *d == 0 || *d > kMaxDenominator) return std::nullopt;
    numerator = *n;
    denominator = *d;
  }
  if (numerator <= 0 || numerator > denominator) return std::nullopt;
  const long long divisor = std::gcd(numerator, denominator);
  numerator /= divisor;
  denominator /= divisor;
  if (text.empty()) text = std::to_string(numerator) + "/" + std::to_string(denominator);
  return Share{numerator, denominator, text};
}

bool SharesExceedWhole(const std::vector<Share>& shares) {
  boost::multiprecision::cpp_rational sum = 0;
  for (const Share& share : shares)
    sum += boost::multiprecision::cpp_rational(share.numerator, share.denominator);
  return sum > 1;
}
#pragma GCC diagnostic pop

std::vector<std::string> MissingForMeeting(const Link& link) {
  std::vector<std::string> missing;
  if (!IsOwnerRole(link.role)) return missing;
  if (!link.ddu_number) missing.push_back("ddu_number");
  if (!link.ddu_date) missing.push_back("ddu_date");
  if (!link.ownership_share) missing.push_back("ownership_share");
  return missing;
}

}  // namespace upravdom::links
