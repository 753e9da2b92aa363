/*
 * Unit tests of the RFC 5280 section 6.1 steps of wax_path_validate, one
 * group per step, each row a generated root -> intermediate -> leaf chain
 * (tests/path_pki.h) that changes one thing, with the exact error and the
 * certificate it is about (leaf 0, intermediate 1, root 2):
 * signature and weak algorithms, validity, name constraints (6.1.3 (b)(c),
 * 6.1.4 (g)), certificate policies (6.1.3 (d)-(f), 6.1.4 (a)(b)(h)-(j),
 * 6.1.5 (g)), the issuer checks (6.1.4 (k)-(o)), the RFC 5937 anchor,
 * the section 4 profile, the key policy and the diagnostics.
 */
#include <stdlib.h>
#include <string.h>

#include <wax/path.h>

#include "../harness.h"
#include "../path_pki.h"

/* Runs the chain for S/MIME signing and checks the error and index. */
#define CHECK_CHAIN(c, want, index)                                            \
    do {                                                                       \
        wax_err got_ = pp_chain_run((c), WAX_PATH_PURPOSE_SMIME_SIGN);         \
        CHECK_ERR(got_, (want));                                               \
        if ((want) != WAX_OK) {                                                \
            CHECK_EQ_U64((c)->res.failed_index, (index));                      \
        }                                                                      \
    } while (0)

TEST(steps_signature_and_weak_digest)
{
    struct pp_chain c;
    pp_chain_init(&c);
    /* the intermediate signed with SHA-1 */
    c.is.digest = WAX_DIGEST_SHA1;
    CHECK_CHAIN(&c, WAX_ERR_PATH_WEAK_ALGORITHM, 1);
    c.in.allow_weak = true;
    CHECK_ERR(pp_chain_go(&c), WAX_OK);
    CHECK(c.res.weak);
    /* the leaf's signature broken */
    pp_chain_specs(&c);
    pp_chain_make(&c);
    c.leaf.cert[c.leaf.cert_len - 3] ^= 0x40;
    pp_chain_input(&c, WAX_PATH_PURPOSE_SMIME_SIGN);
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_PATH_SIGNATURE_INVALID);
    CHECK_EQ_U64(c.res.failed_index, 0);
    CHECK(!c.res.reached_anchor);
    pp_chain_free(&c);
}

TEST(steps_validity)
{
    struct pp_chain c;
    pp_chain_init(&c);
    c.ls.not_before = TP_T0;
    CHECK_CHAIN(&c, WAX_OK, 0);
    c.in.time = TP_T0 - 1;
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_PATH_NOT_YET_VALID);
    CHECK_EQ_U64(c.res.failed_index, 0);
    pp_chain_specs(&c);
    c.is.not_after = TP_T0 - 1;
    CHECK_CHAIN(&c, WAX_ERR_PATH_EXPIRED, 1);
    pp_chain_specs(&c);
    c.rs.not_after = TP_T0;
    CHECK_CHAIN(&c, WAX_OK, 0); /* inclusive */
    c.in.time = TP_T0 + 1;
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_PATH_EXPIRED);
    CHECK_EQ_U64(c.res.failed_index, 2);
    pp_chain_free(&c);
}

/* ---- name constraints -------------------------------------------- */

enum nc_kind { NC_DNS, NC_EMAIL, NC_IP, NC_URI };

struct nc_row {
    const char *what;
    bool on_root; /* the constraint in the root (RFC 5937) or the ICA */
    enum nc_kind kind;
    const char *permitted; /* NULL: none */
    const char *excluded;
    const uint8_t *ip_base; /* NC_IP: 8 or 32 bytes */
    size_t ip_base_len;
    bool ip_excluded;
    const char *san_dns, *san_email, *subject_email;
    const uint8_t *san_ip;
    size_t san_ip_len;
    const char *san_uri;
    wax_err want;
    size_t index;
};

static void
add_constraint(struct pp_names *n, enum nc_kind kind, const char *v)
{
    switch (kind) {
    case NC_DNS:
        pp_names_dns(n, v);
        break;
    case NC_EMAIL:
        pp_names_email(n, v);
        break;
    case NC_URI:
        pp_names_uri(n, v);
        break;
    case NC_IP:
        break;
    }
}

TEST(steps_name_constraints)
{
    static const uint8_t net24[8] = {192, 0, 2, 0, 255, 255, 255, 0};
    static const uint8_t bad_mask[8] = {192, 0, 2, 0, 255, 0, 255, 0};
    static const uint8_t in24[4] = {192, 0, 2, 7};
    static const uint8_t out24[4] = {198, 51, 100, 1};
    static const uint8_t loop6[32] = {
        [15] = 1,  [16] = 0xff, [17] = 0xff, [18] = 0xff, [19] = 0xff,
        [20] = 0xff, [21] = 0xff, [22] = 0xff, [23] = 0xff, [24] = 0xff,
        [25] = 0xff, [26] = 0xff, [27] = 0xff, [28] = 0xff, [29] = 0xff,
        [30] = 0xff, [31] = 0xff};
    static const uint8_t ip6_one[16] = {[15] = 1};
    const struct nc_row rows[] = {
        {"dns permitted, inside", false, NC_DNS, "example.com", NULL, NULL, 0,
         false, "mail.example.com", NULL, NULL, NULL, 0, NULL, WAX_OK, 0},
        {"dns permitted, the name itself", false, NC_DNS, "example.com", NULL,
         NULL, 0, false, "EXAMPLE.com", NULL, NULL, NULL, 0, NULL, WAX_OK, 0},
        {"dns permitted, outside", false, NC_DNS, "example.com", NULL, NULL, 0,
         false, "example.net", NULL, NULL, NULL, 0, NULL,
         WAX_ERR_PATH_NAME_CONSTRAINTS, 0},
        {"dns permitted, label boundary", false, NC_DNS, "example.com", NULL,
         NULL, 0, false, "badexample.com", NULL, NULL, NULL, 0, NULL,
         WAX_ERR_PATH_NAME_CONSTRAINTS, 0},
        {"dns excluded", true, NC_DNS, NULL, "example.com", NULL, 0, false,
         "a.example.com", NULL, NULL, NULL, 0, NULL,
         WAX_ERR_PATH_NAME_CONSTRAINTS, 0},
        {"dns constraints leave emails alone", false, NC_DNS, "example.com",
         NULL, NULL, 0, false, NULL, "alice@other.org", NULL, NULL, 0, NULL,
         WAX_OK, 0},
        {"wildcard inside a permitted subtree", false, NC_DNS, "example.com",
         NULL, NULL, 0, false, "*.example.com", NULL, NULL, NULL, 0, NULL,
         WAX_OK, 0},
        {"wildcard wider than the permitted subtree", false, NC_DNS,
         "foo.example.com", NULL, NULL, 0, false, "*.example.com", NULL, NULL,
         NULL, 0, NULL, WAX_ERR_PATH_NAME_CONSTRAINTS, 0},
        {"wildcard could match an excluded name", false, NC_DNS, NULL,
         "bar.example.com", NULL, 0, false, "*.example.com", NULL, NULL, NULL,
         0, NULL, WAX_ERR_PATH_NAME_CONSTRAINTS, 0},
        {"wildcard cannot match a deeper excluded name", false, NC_DNS, NULL,
         "a.bar.example.com", NULL, 0, false, "*.example.com", NULL, NULL,
         NULL, 0, NULL, WAX_OK, 0},
        {"malformed dns name of a constrained form", false, NC_DNS, NULL,
         "example.com", NULL, 0, false, "bad_name.example.com", NULL, NULL,
         NULL, 0, NULL, WAX_ERR_PATH_NAME_CONSTRAINTS, 0},
        {"email host", false, NC_EMAIL, "example.org", NULL, NULL, 0, false,
         NULL, "alice@EXAMPLE.org", NULL, NULL, 0, NULL, WAX_OK, 0},
        {"email host, other host", false, NC_EMAIL, "example.org", NULL, NULL,
         0, false, NULL, "alice@mail.example.org", NULL, NULL, 0, NULL,
         WAX_ERR_PATH_NAME_CONSTRAINTS, 0},
        {"email domain", false, NC_EMAIL, ".example.org", NULL, NULL, 0,
         false, NULL, "alice@mail.example.org", NULL, NULL, 0, NULL, WAX_OK,
         0},
        {"email domain excludes its hosts only", false, NC_EMAIL,
         ".example.org", NULL, NULL, 0, false, NULL, "alice@example.org",
         NULL, NULL, 0, NULL, WAX_ERR_PATH_NAME_CONSTRAINTS, 0},
        {"email mailbox", false, NC_EMAIL, "alice@example.org", NULL, NULL, 0,
         false, NULL, "alice@example.org", NULL, NULL, 0, NULL, WAX_OK, 0},
        {"email mailbox, local part case", false, NC_EMAIL,
         "alice@example.org", NULL, NULL, 0, false, NULL, "Alice@example.org",
         NULL, NULL, 0, NULL, WAX_ERR_PATH_NAME_CONSTRAINTS, 0},
        {"email literal asterisk", false, NC_EMAIL, "*@example.org", NULL,
         NULL, 0, false, NULL, "bob@example.org", NULL, NULL, 0, NULL,
         WAX_ERR_PATH_NAME_CONSTRAINTS, 0},
        {"email excluded", false, NC_EMAIL, NULL, "example.org", NULL, 0,
         false, NULL, "alice@example.org", NULL, NULL, 0, NULL,
         WAX_ERR_PATH_NAME_CONSTRAINTS, 0},
        {"emailAddress in the subject", false, NC_EMAIL, "example.org", NULL,
         NULL, 0, false, "www.example.org", NULL, "mallory@evil.org", NULL, 0,
         NULL, WAX_ERR_PATH_NAME_CONSTRAINTS, 0},
        {"malformed email of a constrained form", false, NC_EMAIL,
         "example.org", NULL, NULL, 0, false, NULL, "a@b@example.org", NULL,
         NULL, 0, NULL, WAX_ERR_PATH_NAME_CONSTRAINTS, 0},
        {"ip permitted", false, NC_IP, NULL, NULL, net24, 8, false, NULL,
         NULL, NULL, in24, 4, NULL, WAX_OK, 0},
        {"ip permitted, outside", false, NC_IP, NULL, NULL, net24, 8, false,
         NULL, NULL, NULL, out24, 4, NULL, WAX_ERR_PATH_NAME_CONSTRAINTS, 0},
        {"ipv6 excluded", false, NC_IP, NULL, NULL, loop6, 32, true, NULL,
         NULL, NULL, ip6_one, 16, NULL, WAX_ERR_PATH_NAME_CONSTRAINTS, 0},
        {"ipv4 name, ipv6 constraint", false, NC_IP, NULL, NULL, loop6, 32,
         false, NULL, NULL, NULL, in24, 4, NULL,
         WAX_ERR_PATH_NAME_CONSTRAINTS, 0},
        {"uri constraint and a uri name", false, NC_URI, NULL,
         "https://example.com", NULL, 0, false, NULL, NULL, NULL, NULL, 0,
         "https://other.example", WAX_ERR_PATH_NAME_CONSTRAINTS, 0},
        {"uri constraint, no uri name", false, NC_URI, NULL,
         "https://example.com", NULL, 0, false, "www.example.com", NULL, NULL,
         NULL, 0, NULL, WAX_OK, 0},
        {"malformed: wildcard dns constraint", false, NC_DNS, "*.example.com",
         NULL, NULL, 0, false, "a.example.com", NULL, NULL, NULL, 0, NULL,
         WAX_ERR_PATH_BAD_NAME_CONSTRAINTS, 1},
        {"malformed: leading period in a dns constraint", true, NC_DNS,
         ".example.com", NULL, NULL, 0, false, "a.example.com", NULL, NULL,
         NULL, 0, NULL, WAX_ERR_PATH_BAD_NAME_CONSTRAINTS, 2},
        {"malformed: email constraint", false, NC_EMAIL, "a@b@example.org",
         NULL, NULL, 0, false, NULL, "alice@example.org", NULL, NULL, 0, NULL,
         WAX_ERR_PATH_BAD_NAME_CONSTRAINTS, 1},
        {"malformed: non-CIDR mask", false, NC_IP, NULL, NULL, bad_mask, 8,
         false, NULL, NULL, NULL, in24, 4, NULL,
         WAX_ERR_PATH_BAD_NAME_CONSTRAINTS, 1},
    };
    struct pp_chain c;
    pp_chain_init(&c);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const struct nc_row *r = &rows[i];
        pp_chain_specs(&c);
        struct pp_names perm = {0}, excl = {0}, san = {0};
        if (r->kind == NC_IP) {
            pp_names_ip(r->ip_excluded ? &excl : &perm, r->ip_base,
                        r->ip_base_len);
        }
        if (r->permitted != NULL) {
            add_constraint(&perm, r->kind, r->permitted);
        }
        if (r->excluded != NULL) {
            add_constraint(&excl, r->kind, r->excluded);
        }
        pp_nc(r->on_root ? &c.rs : &c.is, true, &perm, &excl);
        /* the leaf: its names only */
        pp_init(&c.ls, "Leaf");
        c.ls.subject_len = pp_name(c.ls.subject, sizeof c.ls.subject, "Leaf",
                                   r->subject_email);
        if (r->san_dns != NULL) {
            pp_names_dns(&san, r->san_dns);
        }
        if (r->san_email != NULL) {
            pp_names_email(&san, r->san_email);
        }
        if (r->san_ip != NULL) {
            pp_names_ip(&san, r->san_ip, r->san_ip_len);
        }
        if (r->san_uri != NULL) {
            pp_names_uri(&san, r->san_uri);
        }
        if (san.num > 0) {
            pp_san(&c.ls, false, &san);
        }
        wax_err got = pp_chain_run(&c, WAX_PATH_PURPOSE_ANY);
        CHECK_MSG(got == r->want, "%s: got %s, want %s", r->what,
                  wax_err_name(got), wax_err_name(r->want));
        if (r->want != WAX_OK) {
            CHECK_MSG(c.res.failed_index == r->index, "%s: index %zu", r->what,
                      c.res.failed_index);
        }
    }
    pp_chain_free(&c);
}

TEST(steps_name_constraints_forms)
{
    struct pp_chain c;
    pp_chain_init(&c);
    /* directoryName: the subject under O=Example */
    uint8_t base[128];
    size_t base_len = pp_name_o(base, sizeof base, "Example", NULL);
    struct pp_names perm = {0};
    pp_names_dn_der(&perm, base, base_len);
    pp_nc(&c.is, true, &perm, NULL);
    c.ls.subject_len =
        pp_name_o(c.ls.subject, sizeof c.ls.subject, "Example", "Alice");
    CHECK_CHAIN(&c, WAX_OK, 0);
    c.ls.subject_len =
        pp_name_o(c.ls.subject, sizeof c.ls.subject, "Other", "Alice");
    CHECK_CHAIN(&c, WAX_ERR_PATH_NAME_CONSTRAINTS, 0);
    /* ... and a directoryName SAN too */
    pp_init(&c.ls, "Alice");
    c.ls.subject_len =
        pp_name_o(c.ls.subject, sizeof c.ls.subject, "Example", "Alice");
    struct pp_names san = {0};
    pp_names_dn(&san, "Mallory");
    pp_san(&c.ls, false, &san);
    CHECK_CHAIN(&c, WAX_ERR_PATH_NAME_CONSTRAINTS, 0);
    /* excluded directoryName on the subject */
    pp_chain_specs(&c);
    pp_nc(&c.rs, true, NULL, &perm);
    c.ls.subject_len =
        pp_name_o(c.ls.subject, sizeof c.ls.subject, "Example", "Alice");
    CHECK_CHAIN(&c, WAX_ERR_PATH_NAME_CONSTRAINTS, 0);

    /* otherName: a constraint of a form wax does not process refuses
     * only certificates that carry that form */
    pp_chain_specs(&c);
    struct pp_names on = {0};
    pp_names_other(&on, pp_policy(90), "x");
    pp_nc(&c.is, true, NULL, &on);
    CHECK_CHAIN(&c, WAX_OK, 0);
    struct pp_names lsan = {0};
    pp_names_email(&lsan, "alice@example.org");
    pp_names_other(&lsan, pp_policy(90), "y");
    pp_init(&c.ls, "Alice");
    pp_san(&c.ls, false, &lsan);
    CHECK_CHAIN(&c, WAX_ERR_PATH_NAME_CONSTRAINTS, 0);

    /* SmtpUTF8Mailbox names meet rfc822Name constraints (RFC 9598) */
    pp_chain_specs(&c);
    struct pp_names ep = {0};
    pp_names_email(&ep, "example.org");
    pp_nc(&c.is, true, &ep, NULL);
    struct pp_names u = {0};
    pp_names_other(&u, pp_oid_of(WAX_OID_ON_SMTP_UTF8_MAILBOX),
                   "j\xc3\xb6rg@example.org");
    pp_init(&c.ls, "J\xc3\xb6rg");
    pp_san(&c.ls, false, &u);
    CHECK_CHAIN(&c, WAX_OK, 0);
    u.num = 0;
    pp_names_other(&u, pp_oid_of(WAX_OID_ON_SMTP_UTF8_MAILBOX),
                   "j\xc3\xb6rg@example.net");
    pp_init(&c.ls, "J\xc3\xb6rg");
    pp_san(&c.ls, false, &u);
    CHECK_CHAIN(&c, WAX_ERR_PATH_NAME_CONSTRAINTS, 0);

    /* constraints from two CAs intersect: the root permits example.org,
     * the intermediate example.net: nothing is in both */
    pp_chain_specs(&c);
    struct pp_names a = {0}, b = {0};
    pp_names_email(&a, "example.org");
    pp_names_email(&b, "example.net");
    pp_nc(&c.rs, true, &a, NULL);
    pp_nc(&c.is, true, &b, NULL);
    CHECK_CHAIN(&c, WAX_ERR_PATH_NAME_CONSTRAINTS, 0);

    /* a self-issued intermediate is not checked, the leaf is */
    pp_chain_specs(&c);
    struct pp_names d = {0};
    pp_names_dns(&d, "example.com");
    pp_nc(&c.rs, true, &d, NULL);
    pp_init(&c.is, "Test ICA");
    pp_ca(&c.is, -1);
    struct pp_names isan = {0};
    pp_names_dns(&isan, "ica.example.net");
    pp_san(&c.is, false, &isan);
    CHECK_CHAIN(&c, WAX_ERR_PATH_NAME_CONSTRAINTS, 1);

    /* nameConstraints in a leaf */
    pp_chain_specs(&c);
    pp_nc(&c.ls, true, &d, NULL);
    CHECK_CHAIN(&c, WAX_ERR_PATH_EXTENSION_NOT_ALLOWED, 0);
    pp_chain_free(&c);
}

/* ---- certificate policies ---------------------------------------- */

TEST(steps_policies)
{
    struct pp_chain c;
    pp_chain_init(&c);
    struct pp_oid p1 = pp_policy(1), p2 = pp_policy(2), p3 = pp_policy(3),
                  any = pp_oid_of(WAX_OID_ANY_POLICY);

    /* without a policy requirement, policies never fail a path */
    pp_policies(&c.is, &p1, 1);
    pp_policies(&c.ls, &p2, 1);
    CHECK_CHAIN(&c, WAX_OK, 0);
    /* required explicitly (initial-explicit-policy): no common policy */
    c.in.require_explicit_policy = true;
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_PATH_POLICY);
    CHECK_EQ_U64(c.res.failed_index, 0);
    /* the same policy all the way */
    pp_chain_specs(&c);
    pp_policies(&c.is, &p1, 1);
    pp_policies(&c.ls, &p1, 1);
    pp_chain_make(&c);
    pp_chain_input(&c, WAX_PATH_PURPOSE_SMIME_SIGN);
    c.in.require_explicit_policy = true;
    CHECK_ERR(pp_chain_go(&c), WAX_OK);
    /* the user-initial-policy-set {P2} does not meet {P1} */
    c.in.initial_policies = (const struct wax_span[]){{p2.b, p2.len}};
    c.in.num_initial_policies = 1;
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_PATH_POLICY);
    c.in.initial_policies = (const struct wax_span[]){{p1.b, p1.len}};
    CHECK_ERR(pp_chain_go(&c), WAX_OK);
    /* a leaf without policies under an explicit requirement */
    pp_chain_specs(&c);
    pp_policies(&c.is, &p1, 1);
    pp_chain_make(&c);
    pp_chain_input(&c, WAX_PATH_PURPOSE_SMIME_SIGN);
    c.in.require_explicit_policy = true;
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_PATH_POLICY);
    CHECK_EQ_U64(c.res.failed_index, 0);

    /* anyPolicy in the intermediate lets the leaf's policy through */
    pp_chain_specs(&c);
    pp_policies(&c.is, &any, 1);
    pp_policies(&c.ls, &p3, 1);
    pp_policy_constraints(&c.is, true, 0, -1); /* requireExplicitPolicy 0 */
    CHECK_CHAIN(&c, WAX_OK, 0);
    /* ... unless the anchor inhibits anyPolicy (RFC 5937) */
    pp_inhibit_any(&c.rs, 0);
    CHECK_CHAIN(&c, WAX_ERR_PATH_POLICY, 0);

    /* requireExplicitPolicy in the intermediate: the leaf needs one */
    pp_chain_specs(&c);
    pp_policies(&c.is, &p1, 1);
    pp_policy_constraints(&c.is, true, 0, -1);
    CHECK_CHAIN(&c, WAX_ERR_PATH_POLICY, 0);
    pp_policies(&c.ls, &p1, 1);
    CHECK_CHAIN(&c, WAX_OK, 0);

    /* policy mapping P1 -> P2 in the intermediate: a leaf with P2 is in
     * the anchor's P1 */
    pp_chain_specs(&c);
    struct pp_oid map12[2] = {p1, p2};
    pp_policies(&c.is, &p1, 1);
    pp_mappings(&c.is, map12, 1);
    pp_policies(&c.ls, &p2, 1);
    pp_chain_make(&c);
    pp_chain_input(&c, WAX_PATH_PURPOSE_SMIME_SIGN);
    c.in.require_explicit_policy = true;
    c.in.initial_policies = (const struct wax_span[]){{p1.b, p1.len}};
    c.in.num_initial_policies = 1;
    CHECK_ERR(pp_chain_go(&c), WAX_OK);
    /* ... but not with mapping inhibited */
    c.in.inhibit_policy_mapping = true;
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_PATH_POLICY);
    CHECK_EQ_U64(c.res.failed_index, 0);
    /* ... nor by the anchor's policyConstraints */
    pp_policy_constraints(&c.rs, true, -1, 0);
    pp_chain_make(&c);
    pp_chain_input(&c, WAX_PATH_PURPOSE_SMIME_SIGN);
    c.in.require_explicit_policy = true;
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_PATH_POLICY);

    /* a mapping to anyPolicy */
    pp_chain_specs(&c);
    struct pp_oid map_any[2] = {p1, any};
    pp_policies(&c.is, &p1, 1);
    pp_mappings(&c.is, map_any, 1);
    CHECK_CHAIN(&c, WAX_ERR_PATH_POLICY_MAPPING, 1);

    /* the anchor's own policies narrow the initial set */
    pp_chain_specs(&c);
    struct pp_oid p5 = pp_policy(5);
    pp_policies(&c.rs, &p5, 1);
    pp_policies(&c.is, &p1, 1);
    pp_policies(&c.ls, &p1, 1);
    pp_chain_make(&c);
    pp_chain_input(&c, WAX_PATH_PURPOSE_SMIME_SIGN);
    c.in.require_explicit_policy = true;
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_PATH_POLICY);
    pp_chain_specs(&c);
    pp_policies(&c.rs, &any, 1);
    pp_policies(&c.is, &p1, 1);
    pp_policies(&c.ls, &p1, 1);
    pp_chain_make(&c);
    pp_chain_input(&c, WAX_PATH_PURPOSE_SMIME_SIGN);
    c.in.require_explicit_policy = true;
    CHECK_ERR(pp_chain_go(&c), WAX_OK);
    pp_chain_free(&c);
}

/* ---- the issuer checks, the anchor -------------------------------- */

TEST(steps_issuer_checks)
{
    struct pp_chain c;
    pp_chain_init(&c);
    /* cA FALSE */
    pp_init(&c.is, "Test ICA");
    pp_bc(&c.is, true, false, -1);
    CHECK_CHAIN(&c, WAX_ERR_PATH_NOT_CA, 1);
    /* keyUsage without keyCertSign */
    pp_init(&c.is, "Test ICA");
    pp_bc(&c.is, true, true, -1);
    pp_ku(&c.is, true, WAX_KU_CRL_SIGN);
    CHECK_CHAIN(&c, WAX_ERR_PATH_ISSUER_KEY_USAGE, 1);
    /* the same on the anchor */
    pp_chain_specs(&c);
    pp_init(&c.rs, "Test Root");
    pp_bc(&c.rs, true, true, -1);
    pp_ku(&c.rs, true, WAX_KU_DIGITAL_SIGNATURE);
    CHECK_CHAIN(&c, WAX_ERR_PATH_ISSUER_KEY_USAGE, 2);
    /* a root without basicConstraints */
    pp_init(&c.rs, "Test Root");
    pp_ku(&c.rs, true, WAX_KU_KEY_CERT_SIGN);
    CHECK_CHAIN(&c, WAX_ERR_PATH_CA_INCONSISTENT, 2);
    /* pathLenConstraint 0 in the root, one intermediate below */
    pp_chain_specs(&c);
    pp_init(&c.rs, "Test Root");
    pp_ca(&c.rs, 0);
    CHECK_CHAIN(&c, WAX_ERR_PATH_LEN_EXCEEDED, 2);
    /* the caller's own limit */
    pp_chain_specs(&c);
    pp_chain_make(&c);
    pp_chain_input(&c, WAX_PATH_PURPOSE_SMIME_SIGN);
    c.in.has_max_intermediates = true;
    c.in.max_intermediates = 0;
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_PATH_TOO_LONG);
    CHECK_EQ_U64(c.res.failed_index, 1);
    c.in.max_intermediates = 1;
    CHECK_ERR(pp_chain_go(&c), WAX_OK);
    /* an unknown critical extension in the anchor */
    pp_chain_specs(&c);
    static const uint8_t nul[] = {0x05, 0x00};
    pp_ext_raw(&c.rs, pp_policy(66), true, nul, sizeof nul);
    CHECK_CHAIN(&c, WAX_ERR_PATH_UNKNOWN_CRITICAL_EXTENSION, 2);
    /* ... not critical: fine */
    pp_chain_specs(&c);
    pp_ext_raw(&c.rs, pp_policy(66), false, nul, sizeof nul);
    CHECK_CHAIN(&c, WAX_OK, 0);
    pp_chain_free(&c);
}

TEST(steps_self_issued_path_length)
{
    /* root (pathLen 1) -> ICA (key 1) -> ICA (key 2, self-issued) -> leaf:
     * the self-issued certificate does not count */
    struct pp_chain c;
    pp_chain_init(&c);
    struct tp_ident ica2;
    tp_ident_init(&ica2, tp_keygen(WAX_KEYGEN_P256));
    pp_init(&c.rs, "Test Root");
    pp_ca(&c.rs, 1);
    pp_make(&c.root, &c.rs, NULL);
    pp_make(&c.ica, &c.is, &c.root);
    struct pp_cert s2;
    pp_init(&s2, "Test ICA");
    pp_ca(&s2, -1);
    s2.serial[0] = 9;
    pp_make(&ica2, &s2, &c.ica);
    pp_make(&c.leaf, &c.ls, &ica2);
    pp_chain_input(&c, WAX_PATH_PURPOSE_SMIME_SIGN);
    c.untrusted[1] = ica2.cert;
    c.untrusted_lens[1] = ica2.cert_len;
    c.num_untrusted = 2;
    CHECK_ERR(pp_chain_go(&c), WAX_OK);
    CHECK_EQ_U64(c.res.num_certs, 4);
    /* pathLen 0: exceeded by the first intermediate */
    pp_init(&c.rs, "Test Root");
    pp_ca(&c.rs, 0);
    pp_make(&c.root, &c.rs, NULL);
    pp_make(&c.ica, &c.is, &c.root);
    pp_make(&ica2, &s2, &c.ica);
    pp_make(&c.leaf, &c.ls, &ica2);
    pp_chain_input(&c, WAX_PATH_PURPOSE_SMIME_SIGN);
    c.untrusted[1] = ica2.cert;
    c.untrusted_lens[1] = ica2.cert_len;
    c.num_untrusted = 2;
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_PATH_LEN_EXCEEDED);
    CHECK_EQ_U64(c.res.failed_index, 3);
    tp_ident_free(&ica2);
    pp_chain_free(&c);
}

/* ---- the profile and the keys ------------------------------------ */

TEST(steps_profile)
{
    struct pp_chain c;
    pp_chain_init(&c);
    /* keyCertSign in a leaf that is not a CA */
    pp_init(&c.ls, "Alice");
    pp_ku(&c.ls, true, WAX_KU_DIGITAL_SIGNATURE | WAX_KU_KEY_CERT_SIGN);
    CHECK_CHAIN(&c, WAX_ERR_PATH_CA_INCONSISTENT, 0);
    /* a leaf with cA TRUE but without keyCertSign */
    pp_init(&c.ls, "Alice");
    pp_bc(&c.ls, true, true, -1);
    pp_ku(&c.ls, true, WAX_KU_DIGITAL_SIGNATURE);
    CHECK_CHAIN(&c, WAX_ERR_PATH_CA_INCONSISTENT, 0);
    /* pathLenConstraint without cA */
    pp_init(&c.ls, "Alice");
    pp_bc(&c.ls, true, false, 0);
    CHECK_CHAIN(&c, WAX_ERR_PATH_CA_INCONSISTENT, 0);
    /* an empty subject without subjectAltName */
    pp_init(&c.ls, NULL);
    CHECK_CHAIN(&c, WAX_ERR_PATH_EMPTY_NAME, 0);
    /* ... with one: fine for S/MIME */
    struct pp_names san = {0};
    pp_names_email(&san, "alice@example.org");
    pp_san(&c.ls, true, &san);
    CHECK_CHAIN(&c, WAX_OK, 0);
    pp_chain_free(&c);
}

TEST(steps_key_policy)
{
    /* the leaf carries the 1024-bit RSA key of RFC 4134's Alice (only its
     * public half is needed: the leaf signs nothing here) */
    size_t len;
    uint8_t *der = wax_test_read_file(
        wax_test_data_path("rfc4134-examples/AliceRSASignByCarl.cer"), &len);
    if (der == NULL) {
        SKIP("rfc4134-examples/AliceRSASignByCarl.cer is not there");
    }
    struct wax_x509_cert alice;
    CHECK_OK(wax_x509_cert_parse(&alice, der, len));
    CHECK_EQ_U64(alice.spki.bits, 1024);
    struct pp_chain c;
    pp_chain_init(&c);
    free(c.leaf.spki);
    c.leaf.spki = malloc(alice.spki.der.len);
    CHECK(c.leaf.spki != NULL);
    memcpy(c.leaf.spki, alice.spki.der.p, alice.spki.der.len);
    c.leaf.spki_len = alice.spki.der.len;
    free(der);
    pp_init(&c.ls, "Alice");
    CHECK_CHAIN(&c, WAX_ERR_PATH_WEAK_KEY, 0);
    c.in.allow_weak = true;
    CHECK_ERR(pp_chain_go(&c), WAX_OK);
    CHECK(c.res.weak);
    pp_chain_free(&c);
}

/* ---- diagnostics -------------------------------------------------- */

TEST(steps_diagnostics)
{
    struct pp_chain c;
    pp_chain_init(&c);
    /* an expired intermediate, a leaf with a server EKU and a SHA-1
     * signature: three problems, leaf first */
    c.is.not_after = TP_T0 - 1;
    pp_init(&c.ls, "Alice");
    pp_eku(&c.ls, false, WAX_OID_KP_SERVER_AUTH, WAX_OID_UNKNOWN);
    c.ls.digest = WAX_DIGEST_SHA1;
    CHECK_CHAIN(&c, WAX_ERR_PATH_WEAK_ALGORITHM, 0);
    CHECK_EQ_U64(c.diag.num_problems, 3);
    CHECK(!c.diag.truncated);
    CHECK_EQ_U64(c.diag.problems[0].index, 0);
    CHECK_ERR(c.diag.problems[0].err, WAX_ERR_PATH_WEAK_ALGORITHM);
    CHECK_EQ_U64(c.diag.problems[1].index, 0);
    CHECK_ERR(c.diag.problems[1].err, WAX_ERR_PATH_BAD_EKU);
    CHECK_EQ_U64(c.diag.problems[2].index, 1);
    CHECK_ERR(c.diag.problems[2].err, WAX_ERR_PATH_EXPIRED);
    CHECK_EQ_U64(c.diag.num_paths, 1);
    CHECK(c.res.reached_anchor);
    /* a path that never reached an anchor: its one problem */
    c.num_anchors = 0;
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_PATH_NO_ISSUER);
    CHECK_EQ_U64(c.diag.num_problems, 1);
    CHECK_EQ_U64(c.diag.problems[0].index, 1);
    CHECK(!c.res.reached_anchor);
    CHECK_EQ_U64(c.diag.num_paths, 0);
    /* a leaf that does not parse */
    static const uint8_t junk[] = {0x30, 0x00};
    c.in.leaf = junk;
    c.in.leaf_len = sizeof junk;
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_X509_MALFORMED);
    CHECK_EQ_U64(c.diag.num_problems, 1);
    CHECK_ERR(c.diag.problems[0].err, WAX_ERR_X509_MALFORMED);
    pp_chain_free(&c);
}

/* Cross-certificates and several anchors: the search goes round a
 * failing path to another. */
TEST(steps_alternative_paths)
{
    struct pp_chain c;
    pp_chain_init(&c);
    pp_chain_make(&c);
    /* a second root that cross-certifies the intermediate; the first
     * root is not trusted: the path goes through the cross-certificate */
    struct tp_ident root2, cross;
    tp_ident_init(&root2, tp_keygen(WAX_KEYGEN_P256));
    tp_ident_init(&cross, c.ica.key);
    struct pp_cert r2;
    pp_init(&r2, "Second Root");
    pp_ca(&r2, -1);
    pp_make(&root2, &r2, NULL);
    struct pp_cert cs = c.is;
    cs.serial[0] = 42;
    pp_make(&cross, &cs, &root2);
    pp_chain_input(&c, WAX_PATH_PURPOSE_SMIME_SIGN);
    c.anchors[0] = root2.cert;
    c.anchor_lens[0] = root2.cert_len;
    c.untrusted[1] = cross.cert;
    c.untrusted_lens[1] = cross.cert_len;
    c.untrusted[2] = c.root.cert;
    c.untrusted_lens[2] = c.root.cert_len;
    c.num_untrusted = 3;
    CHECK_ERR(pp_chain_go(&c), WAX_OK);
    CHECK(c.res.certs[1] == cross.cert);
    CHECK(c.res.certs[2] == root2.cert);
    /* both roots trusted, the first one's path broken by a name
     * constraint in root 1: the cross path wins */
    struct pp_names d = {0};
    pp_names_email(&d, "example.net");
    pp_nc(&c.rs, true, &d, NULL);
    pp_make(&c.root, &c.rs, NULL);
    pp_make(&c.ica, &c.is, &c.root);
    pp_chain_input(&c, WAX_PATH_PURPOSE_SMIME_SIGN);
    c.anchors[1] = root2.cert;
    c.anchor_lens[1] = root2.cert_len;
    c.num_anchors = 2;
    c.untrusted[1] = cross.cert;
    c.untrusted_lens[1] = cross.cert_len;
    c.num_untrusted = 2;
    CHECK_ERR(pp_chain_go(&c), WAX_OK);
    CHECK(c.res.certs[2] == root2.cert);
    CHECK_EQ_U64(c.diag.num_paths, 2);
    /* without the cross-certificate: the first path's error */
    c.num_untrusted = 1;
    CHECK_ERR(pp_chain_go(&c), WAX_ERR_PATH_NAME_CONSTRAINTS);
    CHECK_EQ_U64(c.res.failed_index, 0);
    cross.key = NULL; /* the intermediate's */
    tp_ident_free(&cross);
    tp_ident_free(&root2);
    pp_chain_free(&c);
}
