#include "domains/exchange/import_handlers.hpp"

#include "core/error.hpp"
#include "domains/exchange/batch_reader.hpp"

namespace upravdom::exchange {

void RegisterImportRoutes(http::Router& router, ImportEngine& engine) {
  router.Add(
      "POST", kImportPath,
      [&engine](http::Request& request) {
        const BatchHeader header = ReadBatchHeader(request.body);
        ImportSettings settings{header.space, header.source, header.dry_run, header.records};
        const std::string& body = request.body;
        ImportAnswer answer =
            engine.Run(request.AsActor(), settings,
                       [&body](const std::function<bool(size_t, nlohmann::json&)>& visit) {
                         ForEachRecord(body, visit);
                       });
        http::Response response;
        response.body = answer.Body();
        return response;
      },
      http::Access::kAdminOrIntegration);
}

}  // namespace upravdom::exchange
