#include "domains/exchange/import_handlers.hpp"

#include <malloc.h>

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
        std::string().swap(request.body);  // read: its memory goes before the answer's
        http::Response response;
        response.body = answer.TakeBody();
        // A batch of tens of MB leaves its freed memory in this thread's malloc arena;
        // give it back, or every large import leaves the server that much bigger.
        ::malloc_trim(0);
        return response;
      },
      http::Access::kAdminOrIntegration);
}

}  // namespace upravdom::exchange
