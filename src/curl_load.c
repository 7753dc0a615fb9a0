/*
 * curl_load: finds libcurl at run time and fills the table of its entry
 * points. See curl_load.h. The library is opened once and never closed: the
 * process ends soon after the last transfer.
 */
#include "curl_load.h"

#include <dlfcn.h>
#include <stdlib.h>

#include "util.h"

/* libcurl 7.87 brought CURLOPT_QUICK_EXIT, which the transport needs so
 * that a resolver stuck in getaddrinfo never holds the exit. */
#define CURL_NEEDED 0x075700

static struct curl_api api;
static int state; /* 0 not tried, 1 loaded, -1 failed */

static const char *const names[] = {"libcurl.so.4", "libcurl-gnutls.so.4"};

static void *open_lib(const char **tried)
{
    const char *own = getenv("GEMINI_DOCTOR_LIBCURL");
    void *h;

    if (own && *own) {
        *tried = own;
        return dlopen(own, RTLD_NOW | RTLD_LOCAL);
    }
    *tried = names[0];
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (h)
            return h;
    }
    return NULL;
}

static int load(void)
{
    const char *tried;
    void *h = open_lib(&tried);
    const curl_version_info_data *v;

    if (!h)
        return error("cannot load libcurl (%s), which the network checks need; install "
                     "libcurl4 (Debian: apt-get install libcurl4)",
                     tried);
#define X(member, name)                                                                            \
    *(void **)(&api.member) = dlsym(h, #name);                                                     \
    if (!api.member)                                                                               \
        return error("the libcurl at %s has no %s; the network checks need libcurl 7.87 or "       \
                     "later",                                                                      \
                     tried, #name);
    CURL_FUNCTIONS(X)
#undef X
    v = api.version_info(CURLVERSION_NOW);
    if (!v || v->version_num < CURL_NEEDED)
        return error("libcurl %s is too old; the network checks need 7.87 or later",
                     v && v->version ? v->version : "?");
    if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return error("cannot start libcurl");
    return 0;
}

const struct curl_api *curl_api(void)
{
    if (state == 0)
        state = load() == 0 ? 1 : -1;
    return state == 1 ? &api : NULL;
}

void curl_unload(void)
{
    if (state == 1)
        api.global_cleanup();
    state = 0;
}
