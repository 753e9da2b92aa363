/*
 * The human reports of the S/MIME commands. Every string that comes from a
 * message or a certificate goes through ui_put_escaped (SECURITY.md rule
 * 11). verify and decrypt report on standard error (their output is the
 * content); inspect's report is its output and goes to standard output.
 */
#include <string.h>

#include "cli.h"

#define HINT_TRUST                                                             \
    "give the signer's root CA with --trust FILE (and missing intermediates "  \
    "with --certs FILE)"
#define HINT_TIME                                                              \
    "a certificate is not valid at the validation time; --at TIME checks as "  \
    "of another time"
#define HINT_WEAK                                                              \
    "--allow-weak reads old mail with SHA-1, MD5 or small RSA keys (the "      \
    "report marks it)"
#define HINT_USAGE                                                             \
    "the certificate is not meant for this use (key usage or extended key "    \
    "usage)"
#define HINT_INSPECT "'wax inspect' shows the structure of the input"

/* Hints for the errors a person can do something about. */
static const struct {
    wax_err err;
    const char *hint;
} hints[] = {
    {WAX_ERR_PATH_UNTRUSTED_ROOT, HINT_TRUST},
    {WAX_ERR_PATH_NO_ISSUER, HINT_TRUST},
    {WAX_ERR_PATH_EXPIRED, HINT_TIME},
    {WAX_ERR_PATH_NOT_YET_VALID, HINT_TIME},
    {WAX_ERR_PATH_WEAK_ALGORITHM, HINT_WEAK},
    {WAX_ERR_PATH_WEAK_KEY, HINT_WEAK},
    {WAX_ERR_PATH_BAD_KEY_USAGE, HINT_USAGE},
    {WAX_ERR_PATH_BAD_EKU, HINT_USAGE},
    {WAX_ERR_SMIME_SIGNER_MISMATCH,
     "the From: address is not the signer's; --from ADDR binds the signer "
     "to another address"},
    {WAX_ERR_SMIME_NO_FROM,
     "there is no From: address; give the sender with --from ADDR"},
    {WAX_ERR_SMIME_NO_SIGNER_EMAIL,
     "the signer's certificate names no email address, so it cannot vouch "
     "for a sender"},
    {WAX_ERR_SMIME_NOT_SIGNED, HINT_INSPECT},
    {WAX_ERR_SMIME_PARTIALLY_SIGNED, HINT_INSPECT},
    {WAX_ERR_SMIME_NOT_ENCRYPTED, HINT_INSPECT},
    {WAX_ERR_SMIME_NOT_SMIME, HINT_INSPECT},
    {WAX_ERR_SMIME_UNKNOWN_FORMAT, HINT_INSPECT},
    {WAX_ERR_SMIME_NOT_AUTHENTICATED,
     "the message is CBC-encrypted without a signature; without "
     "--require-auth it is decrypted with a warning"},
    {WAX_ERR_SMIME_NO_CONTENT,
     "give the signed content of a detached signature with --content FILE"},
    {WAX_ERR_CRYPTO_KEY_MISMATCH,
     "the private key does not belong to the certificate"},
};

const char *
cli_err_hint(wax_err err)
{
    for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++) {
        if (hints[i].err == err) {
            return hints[i].hint;
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Pieces.                                                             */

static void
put_str(FILE *f, const char *s)
{
    if (s == NULL) {
        fputs("(unknown)", f);
        return;
    }
    ui_put_escaped(f, (const uint8_t *)s, strlen(s));
}

static void
field(FILE *f, const char *indent, const char *label, const char *value)
{
    fprintf(f, "%s%-13s ", indent, label);
    put_str(f, value);
    fputc('\n', f);
}

static const char *
sig_name(enum wax_sig_scheme s)
{
    switch (s) {
    case WAX_SIG_NONE:
        return "none";
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
    }
    return "unknown";
}

static void
put_warnings(const struct wax_smime_report *rep)
{
    for (size_t i = 0; i < rep->num_warnings; i++) {
        fputs("wax: warning: ", stderr);
        put_str(stderr, rep->warnings[i]);
        fputc('\n', stderr);
    }
    if (rep->num_dropped_warnings > 0) {
        fprintf(stderr, "wax: warning: %zu more warnings\n",
                rep->num_dropped_warnings);
    }
}

static void
put_signer(FILE *f, const struct wax_smime_report *rep, size_t i,
           bool with_verdict)
{
    const struct wax_smime_signer_report *s = &rep->signers[i];
    fprintf(f, "  signer %zu:", i + 1);
    if (with_verdict) {
        fprintf(f, " %s", wax_smime_verdict_name(s->verdict));
        if (s->err != WAX_OK) {
            fprintf(f, " (%s)", wax_err_name(s->err));
        }
    }
    fputc('\n', f);
    field(f, "    ", "subject:", s->subject);
    field(f, "    ", "issuer:", s->issuer);
    field(f, "    ", "serial:", s->serial);
    for (size_t e = 0; e < s->num_emails; e++) {
        fprintf(f, "    %-13s ", "email:");
        put_str(f, s->emails[e]);
        fputc('\n', f);
    }
    if (s->has_from_match) {
        fprintf(f, "    %-13s %s\n",
                "from match:", s->from_match ? "yes" : "no");
    }
    if (s->has_signing_time) {
        char t[WAX_RFC3339_LEN + 1];
        if (wax_time_format_rfc3339(s->signing_time, t, sizeof t)) {
            fprintf(f, "    %-13s %s\n", "signed at:", t);
        }
    }
    fprintf(f, "    %-13s %s, %s%s\n",
            "algorithms:", wax_digest_name(s->digest),
            sig_name(s->signature_algorithm), s->weak ? " (weak)" : "");
    for (size_t c = 0; c < s->num_chain; c++) {
        fprintf(f, "    %-13s ", c == 0 ? "chain:" : "");
        put_str(f, s->chain[c]);
        if (c + 1 == s->num_chain && s->chain_reached_anchor) {
            fputs(" (trust anchor)", f);
        }
        fputc('\n', f);
    }
}

/* put_error writes the closing "wax: error:" and "wax: hint:" lines. */
static void
put_error(struct cli_ctx *ctx, const struct wax_smime_report *rep,
          const char *what)
{
    wax_err err = rep->err;
    if (err == WAX_OK) {
        err = WAX_ERR_INVALID_ARGUMENT;
    }
    char msg[256];
    if (rep->verdict != WAX_SMIME_VERDICT_NONE) {
        snprintf(msg, sizeof msg, "%s: %s", what,
                 wax_smime_verdict_name(rep->verdict));
    } else {
        snprintf(msg, sizeof msg, "%s", what);
    }
    cli_fail(ctx, 0, err, cli_err_hint(err), "%s", msg);
}

/* ------------------------------------------------------------------ */
/* The reports.                                                        */

void
cli_report_sign(struct cli_ctx *ctx, const struct wax_smime_report *rep,
                int exit_status)
{
    put_warnings(rep);
    if (exit_status != WAX_EXIT_OK) {
        put_error(ctx, rep, ctx->cmd);
    }
}

void
cli_report_verify(struct cli_ctx *ctx, const struct wax_smime_report *rep,
                  int exit_status)
{
    fprintf(stderr, "wax: verify: %s\n", wax_smime_verdict_name(rep->verdict));
    for (size_t i = 0; i < rep->num_signers; i++) {
        put_signer(stderr, rep, i, true);
    }
    if (rep->num_from > 0) {
        fprintf(stderr, "  %-15s ", "from:");
        for (size_t i = 0; i < rep->num_from; i++) {
            if (i > 0) {
                fputs(", ", stderr);
            }
            put_str(stderr, rep->from[i]);
        }
        fputc('\n', stderr);
    }
    if (rep->released_unverified) {
        fputs("wax: warning: the content was written although it is not "
              "verified\n",
              stderr);
    }
    put_warnings(rep);
    if (exit_status != WAX_EXIT_OK) {
        put_error(ctx, rep, "verify");
    }
}

void
cli_report_decrypt(struct cli_ctx *ctx, const struct wax_smime_report *rep,
                   int exit_status)
{
    fprintf(stderr, "wax: decrypt: %s", wax_smime_verdict_name(rep->verdict));
    for (size_t i = 0; i < rep->num_layers; i++) {
        const struct wax_smime_layer *l = &rep->layers[i];
        if (l->type == WAX_SMIME_LAYER_ENVELOPED ||
            l->type == WAX_SMIME_LAYER_AUTH_ENVELOPED) {
            fprintf(stderr, " (%s)", wax_cipher_name(l->cipher));
            break;
        }
    }
    fputc('\n', stderr);
    if (rep->verdict == WAX_SMIME_DECRYPTED_UNAUTHENTICATED &&
        rep->num_warnings == 0) {
        fputs("wax: warning: the content is not authenticated (CBC): it "
              "could have been changed on the way\n",
              stderr);
    }
    put_warnings(rep);
    if (exit_status != WAX_EXIT_OK) {
        put_error(ctx, rep, "decrypt");
    }
}

static void
put_layer(FILE *f, const struct wax_smime_report *rep, size_t i)
{
    const struct wax_smime_layer *l = &rep->layers[i];
    fprintf(f, "layer %zu: %s (%s%s)", i + 1,
            wax_smime_layer_type_name(l->type), wax_smime_form_name(l->form),
            l->legacy_x ? ", x-pkcs7" : "");
    if (l->type == WAX_SMIME_LAYER_SIGNED) {
        if (l->detached) {
            fputs(", detached", f);
        }
        if (l->micalg != WAX_DIGEST_NONE) {
            fprintf(f, ", micalg %s", wax_digest_name(l->micalg));
        }
    }
    if (l->type == WAX_SMIME_LAYER_ENVELOPED ||
        l->type == WAX_SMIME_LAYER_AUTH_ENVELOPED) {
        fprintf(f, ", %s", wax_cipher_name(l->cipher));
    }
    fputc('\n', f);
    for (size_t r = 0; r < l->num_recipients; r++) {
        size_t idx = l->first_recipient + r;
        if (idx >= rep->num_recipients) {
            break;
        }
        const struct wax_smime_recipient_report *rr = &rep->recipients[idx];
        fprintf(f, "  recipient %zu: %s", r + 1,
                wax_cms_ri_kind_name(rr->kind));
        if (rr->kind == WAX_CMS_RI_KTRI) {
            fprintf(f, " %s", wax_cms_kt_alg_name(rr->key_transport));
        }
        fputc('\n', f);
        if (rr->issuer != NULL) {
            field(f, "    ", "issuer:", rr->issuer);
        }
        if (rr->serial != NULL) {
            field(f, "    ", "serial:", rr->serial);
        }
        if (rr->ski != NULL) {
            field(f, "    ", "key id:", rr->ski);
        }
    }
    for (size_t s = 0; s < rep->num_signers; s++) {
        if (rep->signers[s].layer == i) {
            put_signer(f, rep, s, false);
        }
    }
}

void
cli_report_inspect(struct cli_ctx *ctx, const struct wax_smime_report *rep,
                   int exit_status)
{
    for (size_t i = 0; i < rep->num_layers; i++) {
        put_layer(stdout, rep, i);
    }
    if (rep->num_certs > 0) {
        fputs("certificates:\n", stdout);
    }
    for (size_t i = 0; i < rep->num_certs; i++) {
        const struct wax_smime_cert_report *c = &rep->certs[i];
        fprintf(stdout, "  certificate %zu:\n", i + 1);
        field(stdout, "    ", "subject:", c->subject);
        field(stdout, "    ", "issuer:", c->issuer);
        field(stdout, "    ", "serial:", c->serial);
        field(stdout, "    ", "sha256:", c->sha256);
    }
    fflush(stdout);
    put_warnings(rep);
    if (exit_status != WAX_EXIT_OK) {
        put_error(ctx, rep, "inspect");
    }
}
