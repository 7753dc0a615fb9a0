/*
 * keysrc: finds the API key the way the SDKs would (a session key, then
 * --key-file, then GOOGLE_API_KEY, then GEMINI_API_KEY) and says what is
 * wrong with how it was stored. It never prints or logs the key.
 *
 * A struct key_source owns its strings; keysrc_release() wipes the key before
 * freeing it.
 */
#ifndef GD_KEYSRC_H
#define GD_KEYSRC_H

struct options;

struct key_source {
    char *key;          /* the key to use, stray characters removed; NULL when none */
    const char *source; /* "session", "--key-file", "GOOGLE_API_KEY", "GEMINI_API_KEY" or NULL */
    char *problem;      /* what was stripped or is wrong, in words; NULL when clean */
    int unusable;       /* the key holds characters that cannot go into a header */
    char *note;         /* which source won over another, with masked forms only */
    char *file_error;   /* why --key-file gave no key; NULL otherwise */
};

/* Fill ks (overwritten) from session_key (when non-NULL), opt->key_file and
 * the environment. Returns 0; an absent key is ks->key == NULL. Every value
 * read is registered as a secret with keymask (key_secret_add). */
int keysrc_find(const struct options *opt, const char *session_key, struct key_source *ks);
void keysrc_release(struct key_source *ks);

/* Register every key the options and the environment name with keymask's
 * redactor (reading --key-file), so that no command can print one, even
 * one that never uses a key (explain of a paste that holds it). */
void keysrc_protect(const struct options *opt);

/* The environment for a child process (git, for scan): environ without the
 * variables that hold the API key (GOOGLE_API_KEY, GEMINI_API_KEY) and
 * without any variable whose value holds a key-like token, so that no key
 * reaches a child's argv or environment. A NULL-terminated array of
 * pointers into environ; the caller frees the array (not the strings). */
char **keysrc_child_env(void);

/* Overwrite s with zeros (the optimiser may not drop it) and free it. */
void keysrc_wipe_free(char *s);

#endif
