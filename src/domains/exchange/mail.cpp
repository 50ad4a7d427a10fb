#include "domains/exchange/mail.hpp"

#include <curl/curl.h>
#include <sodium.h>

#include <cstring>
#include <ctime>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "core/time.hpp"
#include "db/outbox.hpp"
#include "db/sql.hpp"
#include "domains/exchange/fetch.hpp"

namespace upravdom::exchange {

using db::Row;
using db::Sql;

namespace {

std::string Base64(const std::string& bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

bool IsPlainAscii(const std::string& text) {
  for (unsigned char c : text)
    if (c >= 0x80 || c < 0x20) return false;
  return true;
}

// The address inside "Name <a@b>" or the whole text, for the SMTP envelope.
std::string EnvelopeAddress(const std::string& address) {
  size_t open = address.rfind('<');
  size_t close = address.rfind('>');
  if (open != std::string::npos && close != std::string::npos && close > open)
    return address.substr(open, close - open + 1);
  return "<" + address + ">";
}

struct Upload {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  size_t n = std::min(size * count, upload->data->size() - upload->offset);
  std::memcpy(buffer, upload->data->data() + upload->offset, n);
  upload->offset += n;
  return n;
}

}  // namespace

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t b = item.find_first_not_of(" \t\r\n");
    size_t e = item.find_last_not_of(" \t\r\n");
    if (b != std::string::npos) items.push_back(item.substr(b, e - b + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return items;
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string EncodeHeader(const std::string& utf8) {
  if (IsPlainAscii(utf8)) return utf8;
  // Encoded words of at most 45 bytes of text (60 of base64, 72 with the wrapping), cut only
  // between UTF-8 characters: a character split across words is garbled by mail readers.
  std::string out;
  size_t start = 0;
  while (start < utf8.size()) {
    size_t end = std::min(utf8.size(), start + 45);
    while (end < utf8.size() && (static_cast<unsigned char>(utf8[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(utf8.substr(start, end - start)) + "?=";
    start = end;
  }
  return out;
}

std::string BuildMessage(const std::string& from, const MailMessage& message,
                         std::chrono::system_clock::time_point date) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(date);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char date_text[64];
  std::strftime(date_text, sizeof date_text, "%a, %d %b %Y %H:%M:%S +0000", &utc);
  unsigned char id[12];
  randombytes_buf(id, sizeof id);
  char id_hex[sizeof id * 2 + 1];
  sodium_bin2hex(id_hex, sizeof id_hex, id, sizeof id);
  std::string domain = "upravdom";
  if (size_t at = from.rfind('@'); at != std::string::npos) {
    domain = from.substr(at + 1);
    if (!domain.empty() && domain.back() == '>') domain.pop_back();
  }

  // A sender's display name may be Russian («УК Альфа <crm@…>»): encoded like the subject.
  std::string from_header = from;
  if (size_t open = from.rfind('<'); open != std::string::npos && open > 0) {
    std::string name = from.substr(0, open);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (!IsPlainAscii(name)) from_header = EncodeHeader(name) + " " + from.substr(open);
  }
  std::string text = "Date: " + std::string(date_text) + "\r\n";
  text += "From: " + from_header + "\r\n";
  text += "To: " + JoinList(message.to) + "\r\n";
  text += "Subject: " + EncodeHeader(message.subject) + "\r\n";
  text += "Message-ID: <" + std::string(id_hex) + "@" + domain + ">\r\n";
  text += "MIME-Version: 1.0\r\n";
  text += "Content-Type: text/plain; charset=UTF-8\r\n";
  text += "Content-Transfer-Encoding: base64\r\n\r\n";
  // The body with CRLF line ends, in base64 lines of 76 characters.
  std::string body;
  for (size_t i = 0; i < message.body.size(); ++i) {
    if (message.body[i] == '\n' && (i == 0 || message.body[i - 1] != '\r')) body += '\r';
    body += message.body[i];
  }
  const std::string encoded = Base64(body);
  for (size_t i = 0; i < encoded.size(); i += 76) text += encoded.substr(i, 76) + "\r\n";
  return text;
}

void LogMailSender::Send(const MailMessage& message) {
  spdlog::info("E-mail для {}: «{}»\n{}", JoinList(message.to), message.subject, message.body);
}

void SmtpMailSender::Send(const MailMessage& message) {
  EnsureCurlInitialized();
  const std::string text = BuildMessage(settings_.from, message, std::chrono::system_clock::now());
  CURL* curl = curl_easy_init();
  if (!curl) throw std::runtime_error("curl_easy_init failed");
  curl_slist* recipients = nullptr;
  for (const std::string& to : message.to)
    recipients = curl_slist_append(recipients, EnvelopeAddress(to).c_str());
  const std::string from = EnvelopeAddress(settings_.from);
  Upload upload{&text};
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl, CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(text.size()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, std::min(settings_.timeout_s, 15L));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, settings_.timeout_s);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  if (!settings_.user.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, settings_.user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, settings_.password.c_str());
  }
  if (settings_.starttls)
    curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(recipients);
  curl_easy_cleanup(curl);
  if (code != CURLE_OK)
    throw std::runtime_error(std::string("SMTP: ") + (error[0] ? error : curl_easy_strerror(code)));
}

std::unique_ptr<MailSender> MakeMailSender(const SmtpSettings& settings) {
  if (settings.url.empty()) return std::make_unique<LogMailSender>();
  return std::make_unique<SmtpMailSender>(settings);
}

void EnqueueMail(soci::session& sql, std::optional<long long> organization_id,
                 const MailMessage& message) {
  if (message.to.empty()) return;
  const std::string now = timeutil::NowIso();
  Sql insert(
      "INSERT INTO mail_outbox (organization_id, recipients, subject, body, status, attempts, "
      "next_attempt_at, created_at) VALUES (");
  insert.Bind(organization_id) << ", ";
  insert.Bind(JoinList(message.to)) << ", ";
  insert.Bind(message.subject) << ", ";
  insert.Bind(message.body) << ", 'pending', 0, ";
  insert.Bind(now) << ", ";
  insert.Bind(now) << ")";
  db::Exec(sql, insert);
}

MailDelivery::MailDelivery(db::Database& database, std::unique_ptr<MailSender> sender,
                           MailPolicy policy)
    : database_(database), sender_(std::move(sender)), policy_(policy) {
  if (policy_.background) loop_.emplace("mail delivery", policy_.poll, [this] { DeliverDue(); });
}

MailDelivery::~MailDelivery() = default;

void MailDelivery::Wake() {
  if (loop_) loop_->Wake();
}

int MailDelivery::DeliverDue() {
  db::Session sql(database_);
  return db::DeliverDueMessages<MailMessage>(
      sql, "mail_outbox", "recipients, subject, body",
      {.max_attempts = policy_.max_attempts,
       .lease = policy_.lease,
       .backoff = policy_.backoff,
       .batch = 20},
      {.read =
           [](const Row& row) {
             return MailMessage{SplitList(row.Text(1)), row.Text(2), row.Text(3)};
           },
       .send =
           [this](const MailMessage& message) {
             sender_->Send(message);
             return std::string();
           },
       .failed =
           [](long long id, const MailMessage& message, long long attempts,
              const std::string& error, bool final) {
             if (final)
               spdlog::error("e-mail {} to {} failed for good after {} attempts: {}", id,
                             JoinList(message.to), attempts, error);
             else
               spdlog::warn("e-mail {} to {} failed (attempt {}), will retry: {}", id,
                            JoinList(message.to), attempts, error);
           }});
}

}  // namespace upravdom::exchange
