/*
 * The report of an smime operation: names, helpers that fill it from
 * certificates, the status rules, the JSON writer and the escaping of
 * untrusted text (SECURITY.md rule 11).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smime_int.h"

/* ------------------------------------------------------------------ */
/* Names.                                                              */

const char *
wax_smime_verdict_name(enum wax_smime_verdict v)
{
    switch (v) {
    case WAX_SMIME_VERDICT_NONE:
        return "NONE";
    case WAX_SMIME_VALID:
        return "VALID";
    case WAX_SMIME_VALID_SIGNER_MISMATCH:
        return "VALID_SIGNER_MISMATCH";
    case WAX_SMIME_VALID_UNBOUND:
        return "VALID_UNBOUND";
    case WAX_SMIME_UNTRUSTED:
        return "UNTRUSTED";
    case WAX_SMIME_PARTIALLY_SIGNED:
        return "PARTIALLY_SIGNED";
    case WAX_SMIME_NOT_SIGNED:
        return "NOT_SIGNED";
    case WAX_SMIME_INVALID:
        return "INVALID";
    case WAX_SMIME_DECRYPTED_AUTHENTICATED:
        return "DECRYPTED_AUTHENTICATED";
    case WAX_SMIME_DECRYPTED_UNAUTHENTICATED:
        return "DECRYPTED_UNAUTHENTICATED";
    case WAX_SMIME_DECRYPT_FAILED:
        return "DECRYPT_FAILED";
    }
    return "NONE";
}

bool
wax_smime_verdict_positive(enum wax_smime_verdict v)
{
    return v == WAX_SMIME_VALID || v == WAX_SMIME_DECRYPTED_AUTHENTICATED ||
           v == WAX_SMIME_DECRYPTED_UNAUTHENTICATED;
}

const char *
wax_smime_layer_type_name(enum wax_smime_layer_type t)
{
    switch (t) {
    case WAX_SMIME_LAYER_SIGNED:
        return "signed";
    case WAX_SMIME_LAYER_ENVELOPED:
        return "enveloped";
    case WAX_SMIME_LAYER_AUTH_ENVELOPED:
        return "authEnveloped";
    case WAX_SMIME_LAYER_COMPRESSED:
        return "compressed";
    case WAX_SMIME_LAYER_RECEIPT:
        return "receipt";
    }
    return "unknown";
}

const char *
wax_smime_form_name(enum wax_smime_form f)
{
    switch (f) {
    case WAX_SMIME_FORM_MULTIPART_SIGNED:
        return "multipart/signed";
    case WAX_SMIME_FORM_PKCS7_MIME:
        return "application/pkcs7-mime";
    case WAX_SMIME_FORM_DER:
        return "der";
    case WAX_SMIME_FORM_PEM:
        return "pem";
    }
    return "unknown";
}

wax_err
wax_smime_cipher_parse(enum wax_smime_cipher *out, const char *name)
{
    static const struct {
        const char *name;
        enum wax_smime_cipher c;
    } rows[] = {
        {"aes128-cbc", WAX_SMIME_CIPHER_AES128_CBC},
        {"aes192-cbc", WAX_SMIME_CIPHER_AES192_CBC},
        {"aes256-cbc", WAX_SMIME_CIPHER_AES256_CBC},
        {"aes128-gcm", WAX_SMIME_CIPHER_AES128_GCM},
        {"aes256-gcm", WAX_SMIME_CIPHER_AES256_GCM},
    };
    WAX_ENSURE(out != NULL && name != NULL, WAX_ERR_INVALID_ARGUMENT);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (strcmp(rows[i].name, name) == 0) {
            *out = rows[i].c;
            return WAX_OK;
        }
    }
    return WAX_ERR_SMIME_BAD_OPTION;
}

/* ------------------------------------------------------------------ */
/* Report lifetime and helpers.                                        */

void
wax_smime_report_init(struct wax_smime_report *r)
{
    memset(r, 0, sizeof *r);
    r->err_index = SIZE_MAX;
}

static void
free_strv(char **v, size_t n)
{
    if (v == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        free(v[i]);
    }
    free(v);
}

void
wax_smime_report_cleanup(struct wax_smime_report *r)
{
    if (r == NULL) {
        return;
    }
    for (size_t i = 0; i < r->num_signers && i < WAX_MAX_CMS_SIGNERS; i++) {
        struct wax_smime_signer_report *s = &r->signers[i];
        free(s->subject);
        free(s->issuer);
        free(s->serial);
        for (size_t j = 0; j < s->num_emails; j++) {
            free(s->emails[j]);
        }
        for (size_t j = 0; j < s->num_chain; j++) {
            free(s->chain[j]);
        }
        free(s->cert_der);
        free(s->smime_capabilities);
        for (size_t j = 0; j < s->num_chain_der; j++) {
            free(s->chain_der[j]);
        }
        free(s->enc_pref);
        free(s->enc_cert);
    }
    for (size_t i = 0; i < r->num_recipients && i < WAX_MAX_CMS_RECIPIENTS;
         i++) {
        free(r->recipients[i].issuer);
        free(r->recipients[i].serial);
        free(r->recipients[i].ski);
    }
    for (size_t i = 0; i < r->num_certs; i++) {
        free(r->certs[i].subject);
        free(r->certs[i].issuer);
        free(r->certs[i].serial);
    }
    free(r->certs);
    for (size_t i = 0; i < r->num_from; i++) {
        free(r->from[i]);
    }
    for (size_t i = 0; i < r->num_warnings; i++) {
        free(r->warnings[i]);
    }
    free_strv(r->protected_header_names, r->num_protected_headers);
    free_strv(r->protected_header_values, r->num_protected_headers);
    free_strv(r->outer_mismatches, r->num_outer_mismatches);
    wax_smime_report_init(r);
}

char *
smime_strdup(const char *s)
{
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (p != NULL) {
        memcpy(p, s, n + 1);
    }
    return p;
}

void
smime_warn(struct wax_smime_report *r, const char *text)
{
    for (size_t i = 0; i < r->num_warnings; i++) {
        if (strcmp(r->warnings[i], text) == 0) {
            return; /* once is enough */
        }
    }
    if (r->num_warnings >= WAX_MAX_SMIME_WARNINGS) {
        r->num_dropped_warnings++;
        return;
    }
    char *p = smime_strdup(text);
    if (p == NULL) {
        r->num_dropped_warnings++;
        return;
    }
    r->warnings[r->num_warnings++] = p;
}

struct wax_smime_layer *
smime_add_layer(struct wax_smime_report *r, enum wax_smime_layer_type type,
                enum wax_smime_form form)
{
    if (r->num_layers >= WAX_MAX_SMIME_LAYERS) {
        return NULL;
    }
    struct wax_smime_layer *l = &r->layers[r->num_layers++];
    memset(l, 0, sizeof *l);
    l->type = type;
    l->form = form;
    l->first_recipient = r->num_recipients;
    return l;
}

char *
smime_hex(const uint8_t *p, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    if (len > (SIZE_MAX - 1) / 2) {
        return NULL;
    }
    char *s = malloc(2 * len + 1);
    if (s == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < len; i++) {
        s[2 * i] = digits[p[i] >> 4];
        s[2 * i + 1] = digits[p[i] & 15];
    }
    s[2 * len] = 0;
    return s;
}

char *
smime_name_text(struct wax_span name)
{
    char *buf = malloc(WAX_MAX_SMIME_NAME_TEXT);
    if (buf == NULL) {
        return NULL;
    }
    size_t n = 0;
    if (wax_x509_name_format(name, buf, WAX_MAX_SMIME_NAME_TEXT, &n) !=
        WAX_OK) {
        /* too long or malformed: the hex of the DER says what it is */
        free(buf);
        char *hex = smime_hex(name.p, name.len > 512 ? 512 : name.len);
        if (hex == NULL) {
            return NULL;
        }
        size_t hl = strlen(hex);
        buf = malloc(hl + 2);
        if (buf != NULL) {
            buf[0] = '#';
            memcpy(buf + 1, hex, hl + 1);
        }
        free(hex);
        return buf;
    }
    char *shrunk = realloc(buf, n + 1);
    return shrunk != NULL ? shrunk : buf;
}

wax_err
smime_signer_fill_cert(struct wax_smime_signer_report *s, const uint8_t *der,
                       size_t len)
{
    struct wax_x509_cert *c = malloc(sizeof *c);
    WAX_ENSURE(c != NULL, WAX_ERR_NOMEM);
    wax_err err = wax_x509_cert_parse(c, der, len);
    if (err != WAX_OK) {
        free(c);
        return err;
    }
    free(s->subject);
    free(s->issuer);
    free(s->serial);
    s->subject = smime_name_text(c->subject);
    s->issuer = smime_name_text(c->issuer);
    s->serial = smime_hex(c->serial.p, c->serial.len);
    uint8_t md[32];
    size_t md_len = 0;
    if (wax_digest_compute(WAX_DIGEST_SHA256, md, sizeof md, &md_len, der,
                           len) == WAX_OK) {
        char *hex = smime_hex(md, md_len);
        if (hex != NULL) {
            memcpy(s->sha256, hex, 65);
            free(hex);
        }
    }
    char(*emails)[WAX_MAX_SMIME_ADDRESS + 1] =
        malloc(WAX_MAX_SMIME_EMAILS * sizeof *emails);
    size_t num = 0;
    if (emails != NULL && wax_smime_cert_emails(emails, WAX_MAX_SMIME_EMAILS,
                                                &num, c) == WAX_OK) {
        for (size_t i = 0; i < s->num_emails; i++) {
            free(s->emails[i]);
        }
        s->num_emails = 0;
        for (size_t i = 0; i < num; i++) {
            char *e = smime_strdup(emails[i]);
            if (e != NULL) {
                s->emails[s->num_emails++] = e;
            }
        }
    }
    free(emails);
    free(s->cert_der);
    s->cert_der = malloc(len);
    if (s->cert_der != NULL) {
        memcpy(s->cert_der, der, len);
        s->cert_len = len;
    }
    free(c);
    return WAX_OK;
}

bool
smime_err_is_local(wax_err err)
{
    switch (err) {
    case WAX_ERR_NOMEM:
    case WAX_ERR_INVALID_ARGUMENT:
    case WAX_ERR_IO:
    case WAX_ERR_SPOOL_TMPFILE:
    case WAX_ERR_SPOOL_STATE:
    case WAX_ERR_SINK_CLOSED:
    case WAX_ERR_INTERNAL:
    case WAX_ERR_SMIME_BAD_OPTION:
    case WAX_ERR_SMIME_STATE:
    case WAX_ERR_CRYPTO_KEY_MISMATCH:
    case WAX_ERR_CRYPTO_LEGACY_UNAVAILABLE:
    case WAX_ERR_CRYPTO_RANDOM_FAILED:
    case WAX_ERR_CRYPTO_INTERNAL:
    case WAX_ERR_CMS_STATE:
        return true;
    default:
        return false;
    }
}

void
smime_report_set_status(struct wax_smime_report *r, enum smime_kind kind)
{
    if (r->err == WAX_OK && (r->verdict == WAX_SMIME_VERDICT_NONE ||
                             wax_smime_verdict_positive(r->verdict))) {
        r->status = WAX_SMIME_STATUS_OK;
        return;
    }
    if (smime_err_is_local(r->err)) {
        r->status = WAX_SMIME_STATUS_ERROR;
        return;
    }
    switch (kind) {
    case SMIME_OP_SIGN:
    case SMIME_OP_ENCRYPT:
        /* a malformed input message is about the message; anything else
         * (keys, certificates, options) is configuration */
        r->status =
            (r->err >= 700 && r->err < 800) || (r->err >= 110 && r->err < 130)
                ? WAX_SMIME_STATUS_REJECTED
                : WAX_SMIME_STATUS_ERROR;
        return;
    case SMIME_OP_VERIFY:
    case SMIME_OP_DECRYPT:
    case SMIME_OP_INSPECT:
        r->status = WAX_SMIME_STATUS_REJECTED;
        return;
    }
    r->status = WAX_SMIME_STATUS_ERROR;
}

/* ------------------------------------------------------------------ */
/* Escaping.                                                           */

/* Length of the valid UTF-8 sequence at S (at most N bytes), 0 if none.
 * Overlong forms, surrogates and code points past U+10FFFF are invalid. */
static size_t
utf8_len(const uint8_t *s, size_t n)
{
    uint8_t c = s[0];
    size_t len;
    uint32_t cp;
    if (c < 0x80) {
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len) {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return 0;
    }
    return len;
}

char *
wax_smime_escape(char *out, size_t out_cap, const char *s)
{
    static const char digits[] = "0123456789abcdef";
    if (out == NULL || out_cap == 0) {
        return out;
    }
    size_t o = 0;
    const uint8_t *p = (const uint8_t *)(s != NULL ? s : "");
    size_t n = strlen((const char *)p);
    for (size_t i = 0; i < n;) {
        char tmp[8];
        size_t tl = 0;
        size_t adv = 1;
        uint8_t c = p[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            tmp[tl++] = (char)c;
        } else if (c >= 0x80 && (adv = utf8_len(p + i, n - i)) > 0) {
            memcpy(tmp, p + i, adv);
            tl = adv;
        } else {
            adv = 1;
            tmp[tl++] = '\\';
            tmp[tl++] = 'x';
            tmp[tl++] = digits[c >> 4];
            tmp[tl++] = digits[c & 15];
        }
        if (o + tl + 1 > out_cap) {
            /* truncate, leaving room for "..." */
            while (o > 0 && o + 4 > out_cap) {
                o--;
                /* do not cut a UTF-8 sequence or an escape in half */
                while (o > 0 && ((uint8_t)out[o] & 0xc0) == 0x80) {
                    o--;
                }
            }
            if (out_cap >= 4) {
                memcpy(out + o, "...", 3);
                o += 3;
            }
            out[o < out_cap ? o : out_cap - 1] = 0;
            return out;
        }
        memcpy(out + o, tmp, tl);
        o += tl;
        i += adv;
    }
    out[o] = 0;
    return out;
}

/* ------------------------------------------------------------------ */
/* JSON.                                                               */

struct jw {
    wax_sink *out;
    wax_err err;
    bool need_comma;
};

static void
jw_raw(struct jw *w, const char *s, size_t n)
{
    if (w->err == WAX_OK && n > 0) {
        w->err = wax_sink_write(w->out, (const uint8_t *)s, n);
    }
}

static void
jw_str(struct jw *w, const char *s)
{
    jw_raw(w, s, strlen(s));
}

static void
jw_string(struct jw *w, const char *s)
{
    static const char digits[] = "0123456789abcdef";
    const uint8_t *p = (const uint8_t *)(s != NULL ? s : "");
    size_t n = strlen((const char *)p);
    jw_raw(w, "\"", 1);
    size_t run = 0; /* start of a run of bytes copied as they are */
    for (size_t i = 0; i < n;) {
        uint8_t c = p[i];
        size_t adv = 1;
        const char *esc = NULL;
        char u[7];
        if (c == '"') {
            esc = "\\\"";
        } else if (c == '\\') {
            esc = "\\\\";
        } else if (c < 0x20 || c == 0x7f ||
                   (c >= 0x80 && (adv = utf8_len(p + i, n - i)) == 0)) {
            adv = 1;
            u[0] = '\\';
            u[1] = 'u';
            u[2] = '0';
            u[3] = '0';
            u[4] = digits[c >> 4];
            u[5] = digits[c & 15];
            u[6] = 0;
            esc = u;
        }
        if (esc != NULL) {
            jw_raw(w, (const char *)p + run, i - run);
            jw_str(w, esc);
            run = i + adv;
        }
        i += adv;
    }
    jw_raw(w, (const char *)p + run, n - run);
    jw_raw(w, "\"", 1);
}

static void
jw_key(struct jw *w, const char *key)
{
    if (w->need_comma) {
        jw_raw(w, ",", 1);
    }
    jw_string(w, key);
    jw_raw(w, ":", 1);
    w->need_comma = true;
}

static void
jw_kv(struct jw *w, const char *key, const char *value)
{
    jw_key(w, key);
    jw_string(w, value);
}

static void
jw_open(struct jw *w, const char *key, char brace)
{
    if (key != NULL) {
        jw_key(w, key);
    } else if (w->need_comma) {
        jw_raw(w, ",", 1);
    }
    jw_raw(w, &brace, 1);
    w->need_comma = false;
}

static void
jw_close(struct jw *w, char brace)
{
    jw_raw(w, &brace, 1);
    w->need_comma = true;
}

static void
jw_strv(struct jw *w, const char *key, char *const *v, size_t n)
{
    jw_open(w, key, '[');
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            jw_raw(w, ",", 1);
        }
        jw_string(w, v[i]);
    }
    jw_close(w, ']');
}

static const char *
sig_scheme_name(enum wax_sig_scheme s)
{
    switch (s) {
    case WAX_SIG_RSA_PKCS1:
        return "rsa-pkcs1";
    case WAX_SIG_RSA_PSS:
        return "rsa-pss";
    case WAX_SIG_ECDSA:
        return "ecdsa";
    case WAX_SIG_ED25519:
        return "ed25519";
    case WAX_SIG_ED448:
        return "ed448";
    case WAX_SIG_DSA:
        return "dsa";
    case WAX_SIG_NONE:
        return NULL;
    }
    return NULL;
}

static void
jw_recipient(struct jw *w, const struct wax_smime_recipient_report *rr)
{
    jw_open(w, NULL, '{');
    jw_kv(w, "kind", wax_cms_ri_kind_name(rr->kind));
    if (rr->kind == WAX_CMS_RI_KTRI) {
        jw_kv(w, "key_transport", wax_cms_kt_alg_name(rr->key_transport));
        if (rr->key_transport == WAX_CMS_KT_RSA_OAEP) {
            jw_kv(w, "oaep_digest", wax_digest_name(rr->oaep_digest));
        }
    }
    if (rr->issuer != NULL) {
        jw_kv(w, "issuer", rr->issuer);
    }
    if (rr->serial != NULL) {
        jw_kv(w, "serial", rr->serial);
    }
    if (rr->ski != NULL) {
        jw_kv(w, "ski", rr->ski);
    }
    if (rr->matched) {
        jw_key(w, "matched");
        jw_str(w, "true");
    }
    jw_close(w, '}');
}

static void
jw_signer(struct jw *w, const struct wax_smime_signer_report *s)
{
    jw_open(w, NULL, '{');
    if (s->verdict != WAX_SMIME_VERDICT_NONE) {
        jw_kv(w, "verdict", wax_smime_verdict_name(s->verdict));
    }
    if (s->err != WAX_OK) {
        jw_kv(w, "error", wax_err_name(s->err));
    }
    if (s->subject != NULL) {
        jw_kv(w, "subject", s->subject);
    }
    if (s->issuer != NULL) {
        jw_kv(w, "issuer", s->issuer);
    }
    if (s->serial != NULL) {
        jw_kv(w, "serial", s->serial);
    }
    if (s->sha256[0] != 0) {
        jw_kv(w, "sha256", s->sha256);
    }
    if (s->cert_der != NULL) {
        jw_strv(w, "emails", s->emails, s->num_emails);
    }
    if (s->has_from_match) {
        jw_key(w, "from_match");
        jw_str(w, s->from_match ? "true" : "false");
    }
    if (s->has_signing_time) {
        char t[40];
        if (wax_time_format_rfc3339(s->signing_time, t, sizeof t)) {
            jw_kv(w, "signing_time", t);
        }
    }
    if (s->digest != WAX_DIGEST_NONE) {
        jw_kv(w, "digest", wax_digest_name(s->digest));
    }
    const char *sig = sig_scheme_name(s->signature_algorithm);
    if (sig != NULL) {
        jw_kv(w, "signature_algorithm", sig);
    }
    if (s->num_chain > 0) {
        jw_strv(w, "chain", s->chain, s->num_chain);
    }
    jw_close(w, '}');
}

wax_err
wax_smime_report_json(const struct wax_smime_report *r, wax_sink *out)
{
    WAX_ENSURE(r != NULL && out != NULL, WAX_ERR_INVALID_ARGUMENT);
    struct jw w = {out, WAX_OK, false};
    jw_raw(&w, "{", 1);
    if (r->verdict != WAX_SMIME_VERDICT_NONE) {
        jw_kv(&w, "verdict", wax_smime_verdict_name(r->verdict));
    }
    if (r->err != WAX_OK) {
        jw_kv(&w, "error", wax_err_name(r->err));
    }
    if (r->num_layers > 0) {
        jw_open(&w, "layers", '[');
        for (size_t i = 0; i < r->num_layers; i++) {
            const struct wax_smime_layer *l = &r->layers[i];
            jw_open(&w, NULL, '{');
            jw_kv(&w, "type", wax_smime_layer_type_name(l->type));
            jw_kv(&w, "form", wax_smime_form_name(l->form));
            if (l->cipher != WAX_CIPHER_NONE) {
                jw_kv(&w, "cipher", wax_cipher_name(l->cipher));
            }
            if (l->type == WAX_SMIME_LAYER_ENVELOPED ||
                l->type == WAX_SMIME_LAYER_AUTH_ENVELOPED) {
                jw_open(&w, "recipients", '[');
                for (size_t j = 0; j < l->num_recipients; j++) {
                    size_t k = l->first_recipient + j;
                    if (k < r->num_recipients) {
                        jw_recipient(&w, &r->recipients[k]);
                    }
                }
                jw_close(&w, ']');
            }
            jw_close(&w, '}');
        }
        jw_close(&w, ']');
    }
    if (r->num_signers > 0) {
        jw_open(&w, "signers", '[');
        for (size_t i = 0; i < r->num_signers; i++) {
            jw_signer(&w, &r->signers[i]);
        }
        jw_close(&w, ']');
    }
    if (r->num_certs > 0) {
        jw_open(&w, "certificates", '[');
        for (size_t i = 0; i < r->num_certs; i++) {
            const struct wax_smime_cert_report *c = &r->certs[i];
            jw_open(&w, NULL, '{');
            if (c->subject != NULL) {
                jw_kv(&w, "subject", c->subject);
            }
            if (c->issuer != NULL) {
                jw_kv(&w, "issuer", c->issuer);
            }
            if (c->serial != NULL) {
                jw_kv(&w, "serial", c->serial);
            }
            if (c->sha256[0] != 0) {
                jw_kv(&w, "sha256", c->sha256);
            }
            jw_close(&w, '}');
        }
        jw_close(&w, ']');
    }
    if (r->num_protected_headers > 0) {
        jw_open(&w, "protected_headers", '{');
        for (size_t i = 0; i < r->num_protected_headers; i++) {
            jw_kv(&w, r->protected_header_names[i],
                  r->protected_header_values[i]);
        }
        jw_close(&w, '}');
    }
    if (r->num_outer_mismatches > 0) {
        jw_strv(&w, "outer_mismatches", r->outer_mismatches,
                r->num_outer_mismatches);
    }
    if (r->num_warnings > 0) {
        jw_strv(&w, "warnings", r->warnings, r->num_warnings);
    }
    jw_raw(&w, "}", 1);
    return w.err;
}

/* ------------------------------------------------------------------ */
/* Header helpers.                                                     */

static bool
header_has(const struct wax_mime_header *h, struct wax_span name)
{
    if (h == NULL) {
        return false;
    }
    for (size_t i = 0; i < h->num_fields; i++) {
        const struct wax_span n = h->fields[i].name;
        if (n.len != name.len) {
            continue;
        }
        bool eq = true;
        for (size_t k = 0; k < n.len && eq; k++) {
            uint8_t a = n.p[k], b = name.p[k];
            a = (a >= 'A' && a <= 'Z') ? (uint8_t)(a + 32) : a;
            b = (b >= 'A' && b <= 'Z') ? (uint8_t)(b + 32) : b;
            eq = a == b;
        }
        if (eq) {
            return true;
        }
    }
    return false;
}

/* Writes RAW with every bare LF made CRLF, and a final CRLF if missing. */
static wax_err
write_crlf(wax_sink *out, struct wax_span raw)
{
    static const uint8_t crlf[2] = {'\r', '\n'};
    size_t start = 0;
    for (size_t i = 0; i < raw.len; i++) {
        if (raw.p[i] == '\n' && (i == 0 || raw.p[i - 1] != '\r')) {
            WAX_TRY(wax_sink_write(out, raw.p + start, i - start));
            WAX_TRY(wax_sink_write(out, crlf, 2));
            start = i + 1;
        }
    }
    WAX_TRY(wax_sink_write(out, raw.p + start, raw.len - start));
    if (raw.len == 0 || raw.p[raw.len - 1] != '\n') {
        WAX_TRY(wax_sink_write(out, crlf, 2));
    }
    return WAX_OK;
}

wax_err
smime_write_outer(wax_sink *out, const struct wax_mime_header *outer,
                  const struct wax_mime_header *inner)
{
    if (outer != NULL) {
        for (size_t i = 0; i < outer->num_fields; i++) {
            const struct wax_mime_field *f = &outer->fields[i];
            if (wax_mime_field_is_content(f) ||
                wax_mime_field_is_mime_version(f) ||
                header_has(inner, f->name)) {
                continue;
            }
            WAX_TRY(write_crlf(out, f->raw));
        }
    }
    static const char mv[] = "MIME-Version: 1.0\r\n";
    struct wax_span mvn = {(const uint8_t *)"MIME-Version", 12};
    if (!header_has(inner, mvn)) {
        WAX_TRY(wax_sink_write(out, (const uint8_t *)mv, sizeof mv - 1));
    }
    return WAX_OK;
}

void
smime_parse_inner(struct wax_mime_header *h, const uint8_t *data, size_t len,
                  bool *out_ok)
{
    *out_ok = false;
    /* the header must end inside DATA: an empty line */
    bool found = false;
    for (size_t i = 0; i < len && !found; i++) {
        if (data[i] != '\n') {
            continue;
        }
        if (i == 0 || (i == 1 && data[0] == '\r')) {
            found = true; /* starts with an empty line */
        } else if (i + 1 < len && data[i + 1] == '\n') {
            found = true;
        } else if (i + 2 < len && data[i + 1] == '\r' && data[i + 2] == '\n') {
            found = true;
        }
    }
    if (!found) {
        return;
    }
    size_t body = 0;
    *out_ok = wax_mime_header_parse(h, &body, data, len) == WAX_OK;
}
