// The C++17 program: every test group (the same sources compiled as C++),
// plus what a C++ caller does differently: static_assert, RAII ownership of
// caller storage, std containers for buffers, and the typed enums.
#include <cstddef>
#include <memory>
#include <string_view>
#include <type_traits>
#include <vector>

#include "harness.h"

static_assert(sizeof(wsf_http_header) == 4 * sizeof(void *), "WEB_SOCKET_HTTP_HEADER layout");
static_assert(offsetof(wsf_http_header, value_len) == 3 * sizeof(void *), "layout");
static_assert(std::is_same<std::underlying_type<wsf_status>::type, uint32_t>::value,
              "wsf_status is 32 bits");
static_assert(std::is_trivially_copyable<wsf_event>::value, "events are plain data");

namespace {

// A connection in storage the object owns.
class Connection {
  public:
    explicit Connection(uint32_t role)
        : storage_(wsf_conn_size() + wsf_conn_align()) {
        void *aligned = align_up(storage_.data(), wsf_conn_align());
        wsf_config config = wsf_config_default();
        status_ = wsf_conn_init(role, &config, aligned, wsf_conn_size(), &conn_);
    }
    wsf_conn *get() const { return conn_; }
    wsf_status status() const { return status_; }

  private:
    std::vector<uint8_t> storage_;
    wsf_conn *conn_ = nullptr;
    wsf_status status_;
};

std::string_view view(wsf_str s) { return std::string_view(s.ptr, s.len); }

void cpp_specific() {
    Connection server(WSF_ROLE_SERVER);
    CHECK_ST(server.status(), WSF_OK);
    std::vector<uint8_t> out(WSF_MAX_FRAME_HEADER + 3);
    size_t n = 0;
    std::string_view payload("a\0b", 3);
    CHECK_ST(wsf_conn_send_data(server.get(), WSF_DATA_BINARY, 1,
                                reinterpret_cast<const uint8_t *>(payload.data()), payload.size(),
                                0, out.data(), out.size(), &n),
             WSF_OK);
    CHECK(n == 5 && out[0] == 0x82 && out[3] == 0);
    wsf_state state = wsf_conn_state(server.get());
    CHECK(state == WSF_STATE_OPEN);
    CHECK(view(wsf_status_str(WSF_CLOSED)) == "connection closed for sending");
    CHECK(view(wsf_version()) == WSF_VERSION_STRING);
#if defined(WSF_ALLOC)
    std::unique_ptr<wsf_conn, void (*)(wsf_conn *)> heap(nullptr, wsf_conn_free);
    wsf_conn *raw = nullptr;
    wsf_config config = wsf_config_default();
    CHECK_ST(wsf_conn_new(WSF_ROLE_CLIENT, &config, &raw), WSF_OK);
    heap.reset(raw);
    CHECK(wsf_conn_role(heap.get()) == WSF_ROLE_CLIENT);
#endif
}

}  // namespace

int main() {
    cpp_specific();
    return run_all("c++17") == 0 ? 0 : 1;
}
