#include "domains/exchange/xml_handlers.hpp"

#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "core/error.hpp"
#include "core/temp_files.hpp"
#include "domains/exchange/xml_reader.hpp"
#include "http/params.hpp"

namespace upravdom::exchange {

namespace {

// The request body on disk for the two passes of the reader; removed when the request ends.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    // An upload the server was killed during stays behind (up to 64 MB): an hour old is one.
    RemoveStaleTempFiles(std::filesystem::temp_directory_path(), "upravdom-xml-upload-",
                         std::chrono::hours(1));
    path_ = (std::filesystem::temp_directory_path() / "upravdom-xml-upload-XXXXXX").string();
    const int fd = ::mkstemp(path_.data());
    if (fd < 0) throw ApiError(ErrorCode::kInternal, "Не удалось сохранить файл для импорта");
    size_t written = 0;
    while (written < content.size()) {
      const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
      if (n <= 0) {
        ::close(fd);
        std::filesystem::remove(path_);
        throw ApiError(ErrorCode::kInternal,
                       "Не удалось сохранить файл для импорта (нет места на диске?)");
      }
      written += static_cast<size_t>(n);
    }
    ::close(fd);
  }
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

bool DryRunParam(const http::Request& request) {
  const auto value = request.QueryValue("dry_run");
  if (!value || value->empty() || *value == "false" || *value == "0") return false;
  if (*value == "true" || *value == "1") return true;
  throw ApiError(ErrorCode::kBadRequest, "Параметр dry_run: ожидается true или false",
                 {{"dry_run", "Ожидается true или false"}});
}

}  // namespace

ImportAnswer ImportXmlFile(ImportEngine& engine, const Actor& actor, const std::string& path,
                           bool dry_run) {
  const XmlHeader header = ReadXmlHeader(path);
  ImportSettings settings{header.space.value_or("operations"), header.source.value_or("xml"),
                          dry_run, header.records};
  return engine.Run(actor, settings,
                    [&path](const std::function<bool(size_t, nlohmann::json&)>& visit) {
                      ForEachXmlRecord(path, visit);
                    });
}

void RegisterXmlRoutes(http::Router& router, ImportEngine& engine, OperationLog& log) {
  router.Add(
      "POST", kXmlImportPath,
      [&engine, &log](http::Request& request) {
        http::RejectUnknownParams(request, {"dry_run"});
        const bool dry_run = DryRunParam(request);
        if (request.body.empty()) {
          const std::string message = "Пустой запрос: ожидается файл XML в теле запроса";
          throw ApiError(ErrorCode::kValidationFailed, message, {{"file", message}});
        }
        const TempFile file(request.body);
        // The file is on disk now: the body's memory is not needed for the import.
        std::string().swap(request.body);
        ImportAnswer answer;
        try {
          answer = ImportXmlFile(engine, request.AsActor(), file.path(), dry_run);
        } catch (const ApiError& refused) {
          // Refused by the reader's first pass: the engine never started an operation.
          const Actor actor = request.AsActor();
          const long long id = log.Refused(
              actor.organization_id, dry_run, "xml", actor.name, refused.message(),
              nlohmann::json::array(
                  {{{"index", nullptr}, {"field", ""}, {"message", refused.message()}}}));
          nlohmann::json details =
              refused.details().is_object() ? refused.details() : nlohmann::json::object();
          details["operation_id"] = id;
          throw ApiError(refused.code(), refused.message(), refused.fields(), details);
        }
        http::Response response;
        response.body = answer.TakeBody();
        // As the JSON import: give a large import's freed memory back to the system.
        ::malloc_trim(0);
        return response;
      },
      http::Access::kAdminOrIntegration);
}

}  // namespace upravdom::exchange
