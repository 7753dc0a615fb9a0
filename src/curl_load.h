/*
 * curl_load: libcurl, loaded with dlopen the first time a command needs the
 * network, so that explain, rules and the TUI's paste start without mapping
 * and relocating libcurl and the dozens of libraries behind it. Only the
 * transport (probe.c) calls it.
 *
 * curl_api() returns the one table of libcurl entry points, loading the
 * library and running curl_global_init on first use; NULL (after a one-line
 * error) when libcurl cannot be loaded or is too old. The table lives until
 * curl_unload() at the end of main. GEMINI_DOCTOR_LIBCURL names another
 * library file to load (for a libcurl outside the loader's path, and for the
 * test that libcurl's absence is one clear line).
 */
#ifndef GD_CURL_LOAD_H
#define GD_CURL_LOAD_H

/* Keep curl.h's type-checking macros off: the entry points are called
 * through the table, not by name. */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

/* Every libcurl function the transport uses: member name, libcurl name. */
#define CURL_FUNCTIONS(X)                                                                          \
    X(global_init, curl_global_init)                                                               \
    X(global_cleanup, curl_global_cleanup)                                                         \
    X(version_info, curl_version_info)                                                             \
    X(free, curl_free)                                                                             \
    X(easy_init, curl_easy_init)                                                                   \
    X(easy_setopt, curl_easy_setopt)                                                               \
    X(easy_getinfo, curl_easy_getinfo)                                                             \
    X(easy_cleanup, curl_easy_cleanup)                                                             \
    X(easy_strerror, curl_easy_strerror)                                                           \
    X(easy_escape, curl_easy_escape)                                                               \
    X(slist_append, curl_slist_append)                                                             \
    X(slist_free_all, curl_slist_free_all)                                                         \
    X(multi_init, curl_multi_init)                                                                 \
    X(multi_cleanup, curl_multi_cleanup)                                                           \
    X(multi_add_handle, curl_multi_add_handle)                                                     \
    X(multi_remove_handle, curl_multi_remove_handle)                                               \
    X(multi_perform, curl_multi_perform)                                                           \
    X(multi_poll, curl_multi_poll)                                                                 \
    X(multi_wakeup, curl_multi_wakeup)                                                             \
    X(multi_info_read, curl_multi_info_read)                                                       \
    X(url, curl_url)                                                                               \
    X(url_set, curl_url_set)                                                                       \
    X(url_get, curl_url_get)                                                                       \
    X(url_cleanup, curl_url_cleanup)

struct curl_api {
#define X(member, name) __typeof__(name) *member;
    CURL_FUNCTIONS(X)
#undef X
};

const struct curl_api *curl_api(void);

/* curl_global_cleanup when libcurl was loaded; nothing otherwise. */
void curl_unload(void);

#endif
