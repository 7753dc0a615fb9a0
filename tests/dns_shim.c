/*
 * dns_shim: an LD_PRELOAD library for the network-fault cases. Debian's
 * libcurl resolves names with getaddrinfo on a thread (no c-ares, so no
 * CURLOPT_DNS_SERVERS to point at a fake DNS server); this shim stands in for
 * the DNS server instead. Names under hang.test behave like a DNS server that
 * never answers (getaddrinfo blocks for 20 s, then fails); names under nx.test
 * do not exist (NXDOMAIN). Every other name goes to the real resolver.
 * Built by tests/run.py: cc -shared -fPIC -o dns_shim.so dns_shim.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netdb.h>
#include <string.h>
#include <unistd.h>

static int under(const char *node, const char *zone)
{
    size_t n = strlen(node), z = strlen(zone);
    return n >= z && strcmp(node + n - z, zone) == 0 &&
           (n == z || node[n - z - 1] == '.');
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res)
{
    int (*real)(const char *, const char *, const struct addrinfo *, struct addrinfo **);

    if (node && under(node, "hang.test")) {
        sleep(20);
        return EAI_AGAIN;
    }
    if (node && under(node, "nx.test"))
        return EAI_NONAME;
    *(void **)(&real) = dlsym(RTLD_NEXT, "getaddrinfo");
    return real ? real(node, service, hints, res) : EAI_FAIL;
}
