#include <algorithm>
#include <utility>  // Boost 1.74's asio coroutine header needs it first on g++ 12

#include "http/server.hpp"

#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/error.hpp"

namespace upravdom::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

struct ServerState {
  std::atomic<bool> stopping{false};
  // Requests from their first byte to the last byte of the answer. Idle keep-alive
  // connections do not count: at shutdown they are simply closed.
  std::atomic<int> in_flight{0};
};

class InFlight {
 public:
  explicit InFlight(ServerState& state) : state_(state) { state_.in_flight.fetch_add(1); }
  ~InFlight() { state_.in_flight.fetch_sub(1); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  ServerState& state_;
};

// Moves the body out of `raw`: an import's body is tens of MB, and a copy stayed beside it
// for the whole request.
Request ToRequest(bhttp::request<bhttp::string_body>& raw, const std::string& remote) {
  Request request;
  request.method = std::string(raw.method_string());
  std::string_view target = raw.target();
  size_t question = target.find('?');
  request.path = PercentDecode(target.substr(0, question), /*plus_is_space=*/false);
  if (question != std::string_view::npos)
    request.query = ParseQueryString(target.substr(question + 1));
  for (const auto& field : raw) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers[name] = std::string(field.value());
  }
  request.body = std::move(raw.body());
  request.remote_address = remote;
  return request;
}

template <class Body>
void ApplyCommon(bhttp::response<Body>& out, const Response& response, unsigned version,
                 bool keep_alive) {
  out.version(version);
  out.result(static_cast<unsigned>(response.status));
  out.set(bhttp::field::server, "upravdom");
  if (!response.content_type.empty()) out.set(bhttp::field::content_type, response.content_type);
  out.set("X-Content-Type-Options", "nosniff");
  for (const auto& [name, value] : response.headers) out.insert(name, value);
  out.keep_alive(keep_alive);
}

Response ErrorOnly(ErrorCode code, const std::string& message) {
  return Response::Json(ApiError(code, message).ToJson(), HttpStatus(code));
}

// Moves the response's body into the message written (an import's answer is tens of MB).
asio::awaitable<void> WriteResponse(beast::tcp_stream& stream, Response& response, unsigned version,
                                    bool keep_alive, bool head, beast::error_code& ec) {
  if (!response.file_path.empty()) {
    bhttp::response<bhttp::file_body> out;
    out.body().open(response.file_path.c_str(), beast::file_mode::scan, ec);
    // An open file stays readable after its name is gone: remove temporary ones at once.
    if (response.delete_file_after_send) std::remove(response.file_path.c_str());
    if (!ec) {
      ApplyCommon(out, response, version, keep_alive);
      out.prepare_payload();
      if (head) {
        bhttp::response<bhttp::empty_body> header_only;
        ApplyCommon(header_only, response, version, keep_alive);
        header_only.content_length(out.body().size());
        co_await bhttp::async_write(stream, header_only,
                                    asio::redirect_error(asio::use_awaitable, ec));
      } else {
        co_await bhttp::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
      }
      co_return;
    }
    ec = {};
    Response missing = ErrorOnly(ErrorCode::kNotFound, "Файл не найден");
    co_await WriteResponse(stream, missing, version, keep_alive, head, ec);
    co_return;
  }
  bhttp::response<bhttp::string_body> out;
  ApplyCommon(out, response, version, keep_alive);
  const size_t size = response.body.size();
  if (!head) out.body() = std::move(response.body);
  out.prepare_payload();
  if (head) out.content_length(size);
  co_await bhttp::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> ServeConnection(tcp::socket socket, const ServerOptions& options,
                                      const Dispatcher& dispatcher, ServerState& state) {
  beast::tcp_stream stream(std::move(socket));
  beast::error_code ec;
  std::string remote;
  {
    auto endpoint = stream.socket().remote_endpoint(ec);
    remote = ec ? "" : endpoint.address().to_string();
    ec = {};
  }
  beast::flat_buffer buffer;
  for (;;) {
    stream.expires_after(options.read_timeout);
    if (buffer.size() == 0) {
      // Wait for the first bytes of the next request before counting it as in flight.
      size_t n = co_await stream.async_read_some(buffer.prepare(4096),
                                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      buffer.commit(n);
    }
    InFlight in_flight(state);
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
    // Beast checks a Content-Length against the limit while reading the header, so the
    // header is read under the largest limit and the path's own limit is applied after it.
    size_t body_limit = options.body_limit;
    size_t largest = options.body_limit;
    for (const auto& large : options.large_bodies) largest = std::max(largest, large.second);
    parser.body_limit(largest);
    co_await bhttp::async_read_header(stream, buffer, parser,
                                      asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) {
      const std::string_view target = parser.get().target();
      const std::string_view path = target.substr(0, target.find('?'));
      for (const auto& [large_path, limit] : options.large_bodies)
        if (path == large_path) body_limit = limit;
      if (parser.content_length() && *parser.content_length() > body_limit)
        ec = bhttp::error::body_limit;
      else
        parser.body_limit(body_limit);
    }
    if (!ec)
      co_await bhttp::async_read(stream, buffer, parser,
                                 asio::redirect_error(asio::use_awaitable, ec));
    if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == beast::error::timeout || ec == asio::error::connection_reset ||
        ec == asio::error::eof)
      break;
    if (ec) {
      Response error = ec == bhttp::error::body_limit
                           ? ErrorOnly(ErrorCode::kPayloadTooLarge,
                                       "Слишком большой запрос: не более " +
                                           std::to_string(body_limit / (1024 * 1024)) + " МБ")
                       : ec == bhttp::error::header_limit
                           ? ErrorOnly(ErrorCode::kBadRequest, "Слишком большие заголовки запроса")
                           : ErrorOnly(ErrorCode::kBadRequest, "Некорректный HTTP-запрос");
      if (ec == bhttp::error::header_limit) error.status = 431;
      beast::error_code write_ec;
      co_await WriteResponse(stream, error, 11, false, false, write_ec);
      break;
    }
    bhttp::request<bhttp::string_body> raw = parser.release();
    Request request = ToRequest(raw, remote);
    const bool keep_alive = raw.keep_alive() && !state.stopping.load();
    // The handler blocks this thread (database, password hashing) and the connection's
    // strand; the other threads keep accepting and serving the other connections. Running it
    // here rather than on a worker pool saves two cross-thread wake-ups per request (RunServer).
    Response response = dispatcher.Handle(request);
    std::string().swap(request.body);  // not needed while the answer is written
    stream.expires_after(options.read_timeout);
    co_await WriteResponse(stream, response, raw.version(), keep_alive,
                           raw.method() == bhttp::verb::head, ec);
    if (ec || !keep_alive) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> Listen(asio::io_context& io, tcp::acceptor& acceptor,
                             const ServerOptions& options, const Dispatcher& dispatcher,
                             ServerState& state) {
  for (;;) {
    beast::error_code ec;
    // Each connection on a strand of its own: its coroutine and Beast's timeout timer never
    // run at once on two of the threads.
    tcp::socket socket = co_await acceptor.async_accept(
        asio::make_strand(io), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (state.stopping.load() || ec == asio::error::operation_aborted) co_return;
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    auto executor = socket.get_executor();
    asio::co_spawn(executor, ServeConnection(std::move(socket), options, dispatcher, state),
                   [](std::exception_ptr error) {
                     if (!error) return;
                     try {
                       std::rethrow_exception(error);
                     } catch (const std::exception& e) {
                       spdlog::error("connection failed: {}", e.what());
                     }
                   });
  }
}

}  // namespace

void RunServer(const ServerOptions& options, const Dispatcher& dispatcher,
               const std::function<void()>& on_listening) {
  // `threads` threads, each reading a request, running its handler and writing the answer.
  // (A network thread handing each request to a worker pool and back cost two futex
  // wake-ups and context switches per request: 10-15 % of a client create.)
  const int threads = std::max(1, options.threads);
  asio::io_context io(threads);
  // The listener, the signals and the drain timer on one strand: the signal handler uses
  // the acceptor that the accept loop waits on.
  auto control = asio::make_strand(io);
  ServerState state;
  tcp::endpoint endpoint(asio::ip::make_address(options.host), options.port);
  tcp::acceptor acceptor(control);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);

  asio::co_spawn(control, Listen(io, acceptor, options, dispatcher, state), asio::detached);

  asio::signal_set signals(control, SIGINT, SIGTERM);
  asio::steady_timer drain_timer(control);
  auto deadline = std::make_shared<std::chrono::steady_clock::time_point>();
  std::function<void()> wait_for_drain = [&] {
    if (state.in_flight.load() == 0 || std::chrono::steady_clock::now() >= *deadline) {
      if (state.in_flight.load() > 0)
        spdlog::warn("stopping with {} requests still running", state.in_flight.load());
      io.stop();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(20));
    drain_timer.async_wait([&](beast::error_code) { wait_for_drain(); });
  };
  signals.async_wait([&](beast::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: no new connections; finishing {} requests in flight", signal,
                 state.in_flight.load());
    state.stopping.store(true);
    // Connections the kernel has already accepted (the client sent its request before the
    // signal) are taken and served; closing the listener would reset them.
    beast::error_code ignored;
    acceptor.non_blocking(true, ignored);
    for (;;) {
      tcp::socket socket(asio::make_strand(io));
      beast::error_code accept_error;
      acceptor.accept(socket, accept_error);
      if (accept_error) break;
      auto executor = socket.get_executor();
      asio::co_spawn(executor, ServeConnection(std::move(socket), options, dispatcher, state),
                     asio::detached);
    }
    acceptor.close(ignored);
    *deadline = std::chrono::steady_clock::now() + options.shutdown_grace;
    wait_for_drain();
  });

  on_listening();
  std::vector<std::thread> others;
  for (int i = 1; i < threads; ++i) others.emplace_back([&io] { io.run(); });
  io.run();
  for (std::thread& other : others) other.join();
}

}  // namespace upravdom::http
