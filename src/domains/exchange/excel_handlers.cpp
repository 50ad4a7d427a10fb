#include "domains/exchange/excel_handlers.hpp"

#include <malloc.h>

#include "core/error.hpp"
#include "domains/exchange/excel_columns.hpp"
#include "domains/exchange/excel_export.hpp"
#include "http/download.hpp"

namespace upravdom::exchange {

namespace {

[[noreturn]] void BadForm(const std::string& message) {
  throw ApiError(ErrorCode::kBadRequest, message, {{"file", message}});
}

// The value of `name=` in a header like «form-data; name="file"; filename="a.xlsx"».
std::optional<std::string> HeaderParam(std::string_view header, std::string_view name) {
  size_t at = 0;
  while ((at = header.find(name, at)) != std::string_view::npos) {
    const bool starts = at == 0 || header[at - 1] == ' ' || header[at - 1] == ';';
    at += name.size();
    if (!starts || at >= header.size() || header[at] != '=') continue;
    ++at;
    if (at < header.size() && header[at] == '"') {
      size_t end = header.find('"', at + 1);
      if (end == std::string_view::npos) return std::nullopt;
      return std::string(header.substr(at + 1, end - at - 1));
    }
    size_t end = header.find(';', at);
    std::string_view value = header.substr(at, end == std::string_view::npos ? end : end - at);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    return std::string(value);
  }
  return std::nullopt;
}

bool Truthy(std::string_view value) {
  return value == "true" || value == "1" || value == "on" || value == "yes";
}

}  // namespace

std::map<std::string, FormPart> ParseMultipart(const std::string& content_type,
                                               std::string_view body) {
  if (content_type.rfind("multipart/form-data", 0) != 0)
    BadForm("Ожидается multipart/form-data с файлом в поле «file»");
  auto boundary = HeaderParam(content_type, "boundary");
  if (!boundary || boundary->empty()) BadForm("В заголовке Content-Type нет boundary");
  const std::string delimiter = "--" + *boundary;
  std::map<std::string, FormPart> parts;
  size_t at = body.find(delimiter);
  if (at == std::string_view::npos) BadForm("Тело запроса не multipart/form-data");
  for (;;) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") break;  // the closing delimiter
    if (body.substr(at, 2) != "\r\n") BadForm("Тело запроса не multipart/form-data");
    at += 2;
    const size_t headers_end = body.find("\r\n\r\n", at);
    if (headers_end == std::string_view::npos) BadForm("Тело запроса не multipart/form-data");
    std::string_view headers = body.substr(at, headers_end - at);
    const size_t data_begin = headers_end + 4;
    const size_t next = body.find("\r\n" + delimiter, data_begin);
    if (next == std::string_view::npos) BadForm("Тело запроса обрезано");
    std::optional<std::string> name, filename;
    size_t line = 0;
    while (line <= headers.size()) {
      size_t end = headers.find("\r\n", line);
      std::string_view header =
          headers.substr(line, end == std::string_view::npos ? std::string_view::npos : end - line);
      std::string lower(header.substr(0, header.find(':')));
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == "content-disposition") {
        name = HeaderParam(header, "name");
        filename = HeaderParam(header, "filename");
      }
      if (end == std::string_view::npos) break;
      line = end + 2;
    }
    if (name) parts[*name] = {filename.value_or(""), body.substr(data_begin, next - data_begin)};
    at = next + 2;
  }
  return parts;
}

void RegisterExcelRoutes(http::Router& router, db::Database& database,
                         excel::ExcelImporter& importer, OperationLog& log) {
  // The template and the column table: anyone signed in (they hold no data).
  router.Add("GET", "/api/v1/exchange/excel/template.xlsx", [](http::Request&) {
    return http::XlsxDownload([](const std::string& path) { excel::WriteTemplate(path); },
                              "Шаблон импорта.xlsx");
  });
  router.Add("GET", "/api/v1/exchange/excel/columns",
             [](http::Request&) { return http::Response::Json(excel::ColumnsJson()); });
  // The export shows what the premises and clients registers (and their exports) show staff.
  router.Add("GET", "/api/v1/exchange/excel/export.xlsx", [&database](http::Request& request) {
    const long long organization_id = request.Who().organization_id;
    const std::string space = request.Who().space;
    return http::XlsxDownload(
        [&](const std::string& path) {
          excel::WriteExport(database, organization_id, space, path);
        },
        "Помещения и клиенты.xlsx");
  });
  // The import can remove owners and delete clients (the sync of §12): admins and API tokens
  // only, like the JSON import.
  router.Add(
      "POST", kExcelImportPath,
      [&importer](http::Request& request) {
        const std::string* type = request.Header("content-type");
        auto parts = ParseMultipart(type ? *type : "", request.body);
        auto file = parts.find("file");
        if (file == parts.end())
          throw ApiError(ErrorCode::kValidationFailed, "Выберите файл .xlsx",
                         {{"file", "Выберите файл .xlsx"}});
        bool dry_run = false;
        if (auto part = parts.find("dry_run"); part != parts.end())
          dry_run = Truthy(part->second.data);
        if (auto query = request.QueryValue("dry_run")) dry_run = Truthy(*query);
        http::Response response;
        response.body =
            importer.Import(request.AsActor(), request.Who().space, file->second.data, dry_run);
        // The upload and the records leave their freed memory in this thread's arena.
        ::malloc_trim(0);
        return response;
      },
      http::Access::kAdminOrIntegration);
  router.Add(
      "GET", "/api/v1/exchange/operations/{id}/excel-errors.xlsx",
      [&importer, &log](http::Request& request) {
        const long long organization_id = request.Who().organization_id;
        const long long id = request.PathId("id");
        if (!log.Find(organization_id, id)) ThrowNotFound("Операция не найдена");
        std::optional<std::string> file = importer.ErrorFile(organization_id, id);
        if (!file)
          ThrowNotFound("Файла с ошибками у этой операции нет (он хранится " +
                        std::to_string(OperationLog::kFileHours) + " часа)");
        http::Response response;
        response.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        response.body = std::move(*file);
        response.headers.emplace_back(
            "Content-Disposition",
            "attachment; filename=\"errors.xlsx\"; filename*=UTF-8''"
            "%D0%9E%D1%88%D0%B8%D0%B1%D0%BA%D0%B8%20%D0%B8%D0%BC%D0%BF%D0%BE%D1%80%D1%82%D0%B0"
            "%20" +
                std::to_string(id) + ".xlsx");
        return response;
      },
      http::Access::kAdminOrIntegration);
}

}  // namespace upravdom::exchange
