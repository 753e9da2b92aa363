/*
 * Extensions (RFC 5280 §4.2): the Extensions list, GeneralNames, and the
 * certificate extensions wax decodes, each checked at parse time and then
 * walked with the iterators of wax/x509.h.
 */
#include "x509_int.h"

/* ------------------------------------------------------------------ */
/* Small readers.                                                      */

/* get_implicit_u64 reads a [TAG] IMPLICIT INTEGER (0..MAX) that fits a
 * uint64_t. */
static bool
get_implicit_u64(struct wax_span *in, uint32_t tag, uint64_t *out)
{
    struct wax_span s = *in, v;
    if (!wax_der_get(&s, tag, &v) ||
        wax_der_check_primitive(WAX_DER_INTEGER, v) != WAX_OK ||
        (v.p[0] & 0x80) != 0) {
        return false;
    }
    size_t i = 0;
    if (v.len > 1 && v.p[0] == 0) {
        i = 1;
    }
    if (v.len - i > 8) {
        return false;
    }
    uint64_t x = 0;
    for (; i < v.len; i++) {
        x = (x << 8) | v.p[i];
    }
    *out = x;
    *in = s;
    return true;
}

/* x509_get_reason_flags: a [TAG] IMPLICIT NamedBitList BIT STRING (DER:
 * trailing zero bits removed, unused bits zero, at most 32 bits). */
bool
x509_get_reason_flags(struct wax_span *in, uint32_t tag, uint32_t *out)
{
    struct wax_span s = *in, v;
    if (!wax_der_get(&s, tag, &v) || v.len == 0 || v.p[0] > 7) {
        return false;
    }
    uint8_t unused = v.p[0];
    size_t nbytes = v.len - 1;
    if (nbytes == 0) {
        if (unused != 0) {
            return false;
        }
        *out = 0;
        *in = s;
        return true;
    }
    if (nbytes > 4) {
        return false;
    }
    uint8_t last = v.p[v.len - 1];
    /* the unused bits are zero and the last used bit is one */
    if ((last & ((1u << unused) - 1)) != 0 || (last & (1u << unused)) == 0) {
        return false;
    }
    uint32_t bits = 0;
    for (size_t i = 0; i < nbytes; i++) {
        for (int b = 0; b < 8; b++) {
            if (v.p[1 + i] & (0x80u >> b)) {
                bits |= 1u << (i * 8 + (size_t)b);
            }
        }
    }
    *out = bits;
    *in = s;
    return true;
}

static bool
is_ia5(struct wax_span v)
{
    for (size_t i = 0; i < v.len; i++) {
        if (v.p[i] >= 0x80) {
            return false;
        }
    }
    return true;
}

/* seq_contents: VALUE is exactly one SEQUENCE; its contents, non-empty. */
static bool
seq_contents(struct wax_span value, struct wax_span *out, bool allow_empty)
{
    struct wax_span s = value;
    return wax_der_get(&s, WAX_DER_SEQUENCE, out) && wax_der_expect_end(&s) &&
           (allow_empty || out->len > 0);
}

/* ------------------------------------------------------------------ */
/* Iterators.                                                          */

void
wax_x509_iter_init(struct wax_x509_iter *it, struct wax_span list, wax_err bad)
{
    it->rest = list;
    it->bad = bad;
    it->count = 0;
}

/* iter_take: the common start of every *_next: end of list, or room for one
 * more element. */
static wax_err
iter_take(struct wax_x509_iter *it, bool *out_present)
{
    if (it->rest.len == 0) {
        *out_present = false;
        return WAX_OK;
    }
    WAX_ENSURE(it->count < WAX_MAX_X509_LIST, WAX_ERR_LIMIT_EXCEEDED);
    *out_present = true;
    return WAX_OK;
}

/*
 *   OtherName ::= SEQUENCE { type-id OBJECT IDENTIFIER,
 *                            value   [0] EXPLICIT ANY DEFINED BY type-id }
 *   SmtpUTF8Mailbox ::= UTF8String (SIZE (1..MAX))   -- RFC 9598
 */
static bool
read_other_name(struct wax_span contents, struct wax_x509_general_name *g)
{
    struct wax_span inner, vcontents, vder;
    uint32_t vtag;
    if (!wax_der_get_oid(&contents, &g->other_type) ||
        !wax_der_get(&contents, WAX_DER_CONTEXT_CONS(0), &inner) ||
        !wax_der_expect_end(&contents) ||
        !wax_der_get_any(&inner, &vtag, &vcontents, &vder) ||
        !wax_der_expect_end(&inner)) {
        return false;
    }
    g->other_type_id = x509_oid_id(g->other_type);
    g->value = vder;
    if (g->other_type_id == WAX_OID_ON_SMTP_UTF8_MAILBOX) {
        if (vtag != WAX_DER_UTF8_STRING || vcontents.len == 0 ||
            !x509_utf8_valid(vcontents.p, vcontents.len)) {
            return false;
        }
        g->value = vcontents;
        g->is_smtp_utf8 = true;
    }
    return true;
}

/* read_general_name reads one GeneralName (see wax/x509.h). SUBTREE: an IP
 * address carries its mask (8 or 32 octets). */
static bool
read_general_name(struct wax_span *in, struct wax_x509_general_name *out,
                  bool subtree)
{
    struct wax_span s = *in, contents, der;
    struct wax_x509_general_name g = {0};
    uint32_t tag;
    if (!wax_der_get_any(&s, &tag, &contents, &der)) {
        return false;
    }
    g.der = der;
    g.value = contents;
    g.other_type_id = WAX_OID_UNKNOWN;
    switch (tag) {
    case WAX_DER_CONTEXT_CONS(0):
        g.type = WAX_GN_OTHER_NAME;
        if (!read_other_name(contents, &g)) {
            return false;
        }
        break;
    case WAX_DER_CONTEXT_TAG(1):
    case WAX_DER_CONTEXT_TAG(2):
    case WAX_DER_CONTEXT_TAG(6):
        g.type = (enum wax_x509_gn_type)(tag & WAX_DER_TAG_NUMBER_MASK);
        if (!is_ia5(contents)) {
            return false;
        }
        break;
    case WAX_DER_CONTEXT_CONS(3):
        g.type = WAX_GN_X400;
        break;
    case WAX_DER_CONTEXT_CONS(4): {
        /* Name is a CHOICE, so the [4] tag is explicit. */
        struct wax_span c = contents, name;
        g.type = WAX_GN_DIRECTORY;
        if (!wax_der_get_element(&c, WAX_DER_SEQUENCE, &name) ||
            !wax_der_expect_end(&c) || wax_x509_name_check(name) != WAX_OK) {
            return false;
        }
        g.value = name;
        break;
    }
    case WAX_DER_CONTEXT_CONS(5):
        g.type = WAX_GN_EDI_PARTY;
        break;
    case WAX_DER_CONTEXT_TAG(7):
        g.type = WAX_GN_IP;
        if (subtree ? (contents.len != 8 && contents.len != 32)
                    : (contents.len != 4 && contents.len != 16)) {
            return false;
        }
        break;
    case WAX_DER_CONTEXT_TAG(8):
        g.type = WAX_GN_REGISTERED_ID;
        if (wax_der_check_primitive(WAX_DER_OID, contents) != WAX_OK) {
            return false;
        }
        break;
    default:
        return false;
    }
    *out = g;
    *in = s;
    return true;
}

void
wax_x509_gn_iter(struct wax_x509_iter *it, struct wax_span general_names)
{
    wax_x509_iter_init(it, general_names, WAX_ERR_X509_BAD_SAN);
}

wax_err
wax_x509_gn_next(struct wax_x509_iter *it, struct wax_x509_general_name *out,
                 bool *out_present)
{
    WAX_TRY(iter_take(it, out_present));
    if (!*out_present) {
        return WAX_OK;
    }
    WAX_ENSURE(read_general_name(&it->rest, out, false), it->bad);
    it->count++;
    return WAX_OK;
}

/*
 *   GeneralSubtrees ::= SEQUENCE SIZE (1..MAX) OF GeneralSubtree
 *   GeneralSubtree ::= SEQUENCE {
 *       base    GeneralName,
 *       minimum [0] BaseDistance DEFAULT 0,
 *       maximum [1] BaseDistance OPTIONAL }
 * RFC 5280 §4.2.1.10: minimum MUST be zero and maximum MUST be absent, so
 * a subtree is its base alone (an encoded minimum 0 would break DER).
 */
wax_err
wax_x509_subtree_next(struct wax_x509_iter *it,
                      struct wax_x509_general_name *out, bool *out_present)
{
    WAX_TRY(iter_take(it, out_present));
    if (!*out_present) {
        return WAX_OK;
    }
    struct wax_span s = it->rest, seq;
    WAX_ENSURE(wax_der_get(&s, WAX_DER_SEQUENCE, &seq), it->bad);
    WAX_ENSURE(read_general_name(&seq, out, true) && wax_der_expect_end(&seq),
               it->bad);
    it->rest = s;
    it->count++;
    return WAX_OK;
}

wax_err
wax_x509_oid_next(struct wax_x509_iter *it, struct wax_span *out_oid,
                  enum wax_oid_id *out_id, bool *out_present)
{
    WAX_TRY(iter_take(it, out_present));
    if (!*out_present) {
        return WAX_OK;
    }
    WAX_ENSURE(wax_der_get_oid(&it->rest, out_oid), it->bad);
    *out_id = x509_oid_id(*out_oid);
    it->count++;
    return WAX_OK;
}

/*
 *   PolicyInformation ::= SEQUENCE {
 *       policyIdentifier CertPolicyId,
 *       policyQualifiers SEQUENCE SIZE (1..MAX) OF PolicyQualifierInfo
 *                        OPTIONAL }
 *   PolicyQualifierInfo ::= SEQUENCE {
 *       policyQualifierId PolicyQualifierId,
 *       qualifier         ANY DEFINED BY policyQualifierId }
 */
wax_err
wax_x509_policy_next(struct wax_x509_iter *it, struct wax_x509_policy *out,
                     bool *out_present)
{
    WAX_TRY(iter_take(it, out_present));
    if (!*out_present) {
        return WAX_OK;
    }
    struct wax_span s = it->rest, seq;
    struct wax_x509_policy p = {0};
    WAX_ENSURE(wax_der_get(&s, WAX_DER_SEQUENCE, &seq), it->bad);
    WAX_ENSURE(wax_der_get_oid(&seq, &p.oid), it->bad);
    if (seq.len > 0) {
        struct wax_span quals, q;
        WAX_ENSURE(wax_der_get(&seq, WAX_DER_SEQUENCE, &quals) &&
                       quals.len > 0 && wax_der_expect_end(&seq),
                   it->bad);
        p.has_qualifiers = true;
        p.qualifiers = quals;
        /* Qualifiers are skipped: each must only be a SEQUENCE that starts
         * with an OID. */
        while (quals.len > 0) {
            struct wax_span qid;
            WAX_ENSURE(wax_der_get(&quals, WAX_DER_SEQUENCE, &q) &&
                           wax_der_get_oid(&q, &qid),
                       it->bad);
        }
    }
    p.id = x509_oid_id(p.oid);
    *out = p;
    it->rest = s;
    it->count++;
    return WAX_OK;
}

wax_err
wax_x509_policy_mapping_next(struct wax_x509_iter *it,
                             struct wax_x509_policy_mapping *out,
                             bool *out_present)
{
    WAX_TRY(iter_take(it, out_present));
    if (!*out_present) {
        return WAX_OK;
    }
    struct wax_span s = it->rest, seq;
    struct wax_x509_policy_mapping m;
    WAX_ENSURE(wax_der_get(&s, WAX_DER_SEQUENCE, &seq) &&
                   wax_der_get_oid(&seq, &m.issuer_domain) &&
                   wax_der_get_oid(&seq, &m.subject_domain) &&
                   wax_der_expect_end(&seq),
               it->bad);
    *out = m;
    it->rest = s;
    it->count++;
    return WAX_OK;
}

/* x509_general_names_check: GeneralNames contents, SIZE (1..MAX). */
wax_err
x509_general_names_check(struct wax_span list, wax_err bad)
{
    struct wax_x509_iter it;
    struct wax_x509_general_name g;
    bool present = true;
    WAX_ENSURE(list.len > 0, bad);
    wax_x509_iter_init(&it, list, bad);
    while (present) {
        WAX_TRY(wax_x509_gn_next(&it, &g, &present));
    }
    return WAX_OK;
}

/*
 *   DistributionPointName ::= CHOICE {
 *       fullName                [0] GeneralNames,
 *       nameRelativeToCRLIssuer [1] RelativeDistinguishedName }
 * DPN is the contents of the explicit [0] around the CHOICE.
 */
wax_err
x509_dp_name_decode(struct wax_span dpn, bool *has_full, struct wax_span *full,
                    bool *has_rel, struct wax_span *rel, wax_err bad)
{
    struct wax_span v;
    *has_full = false;
    *has_rel = false;
    if (wax_der_peek(&dpn, WAX_DER_CONTEXT_CONS(0))) {
        WAX_ENSURE(wax_der_get(&dpn, WAX_DER_CONTEXT_CONS(0), &v) &&
                       wax_der_expect_end(&dpn),
                   bad);
        WAX_TRY(x509_general_names_check(v, bad));
        *has_full = true;
        *full = v;
        return WAX_OK;
    }
    WAX_ENSURE(wax_der_get(&dpn, WAX_DER_CONTEXT_CONS(1), &v) &&
                   wax_der_expect_end(&dpn) && v.len > 0,
               bad);
    /* Check the RDN as a one-RDN Name would be checked. */
    struct wax_span rdn = v;
    while (rdn.len > 0) {
        struct wax_span atv, oid;
        WAX_ENSURE(wax_der_get(&rdn, WAX_DER_SEQUENCE, &atv) &&
                       wax_der_get_oid(&atv, &oid) &&
                       wax_der_get_any(&atv, NULL, NULL, NULL) &&
                       wax_der_expect_end(&atv),
                   bad);
    }
    *has_rel = true;
    *rel = v;
    return WAX_OK;
}

/*
 *   DistributionPoint ::= SEQUENCE {
 *       distributionPoint [0] DistributionPointName OPTIONAL,
 *       reasons           [1] ReasonFlags OPTIONAL,
 *       cRLIssuer         [2] GeneralNames OPTIONAL }
 */
wax_err
wax_x509_dist_point_next(struct wax_x509_iter *it,
                         struct wax_x509_dist_point *out, bool *out_present)
{
    WAX_TRY(iter_take(it, out_present));
    if (!*out_present) {
        return WAX_OK;
    }
    struct wax_span s = it->rest, seq, v;
    struct wax_x509_dist_point d = {0};
    bool present;
    WAX_ENSURE(wax_der_get(&s, WAX_DER_SEQUENCE, &seq), it->bad);
    WAX_ENSURE(
        wax_der_get_optional(&seq, WAX_DER_CONTEXT_CONS(0), &v, &present),
        it->bad);
    if (present) {
        WAX_TRY(x509_dp_name_decode(v, &d.has_full_name, &d.full_name,
                                    &d.has_relative_name, &d.relative_name,
                                    it->bad));
    }
    if (wax_der_peek(&seq, WAX_DER_CONTEXT_TAG(1))) {
        WAX_ENSURE(
            x509_get_reason_flags(&seq, WAX_DER_CONTEXT_TAG(1), &d.reasons),
            it->bad);
        d.has_reasons = true;
    }
    WAX_ENSURE(
        wax_der_get_optional(&seq, WAX_DER_CONTEXT_CONS(2), &v, &present),
        it->bad);
    if (present) {
        WAX_TRY(x509_general_names_check(v, it->bad));
        d.has_crl_issuer = true;
        d.crl_issuer = v;
    }
    WAX_ENSURE(wax_der_expect_end(&seq), it->bad);
    /* RFC 5280 §4.2.1.13: a point names a distributionPoint or a
     * cRLIssuer (or both). */
    WAX_ENSURE(d.has_full_name || d.has_relative_name || d.has_crl_issuer,
               it->bad);
    *out = d;
    it->rest = s;
    it->count++;
    return WAX_OK;
}

/*
 *   AccessDescription ::= SEQUENCE {
 *       accessMethod   OBJECT IDENTIFIER,
 *       accessLocation GeneralName }
 */
wax_err
wax_x509_access_next(struct wax_x509_iter *it, struct wax_x509_access *out,
                     bool *out_present)
{
    WAX_TRY(iter_take(it, out_present));
    if (!*out_present) {
        return WAX_OK;
    }
    struct wax_span s = it->rest, seq;
    struct wax_x509_access a;
    WAX_ENSURE(wax_der_get(&s, WAX_DER_SEQUENCE, &seq) &&
                   wax_der_get_oid(&seq, &a.method) &&
                   read_general_name(&seq, &a.location, false) &&
                   wax_der_expect_end(&seq),
               it->bad);
    a.method_id = x509_oid_id(a.method);
    *out = a;
    it->rest = s;
    it->count++;
    return WAX_OK;
}

static void
info_iter(struct wax_x509_iter *it, bool has, struct wax_span list, wax_err bad)
{
    struct wax_span empty = {NULL, 0};
    wax_x509_iter_init(it, has ? list : empty, bad);
}

void
wax_x509_san_iter(const struct wax_x509_ext_info *info,
                  struct wax_x509_iter *it)
{
    info_iter(it, info->has_san, info->san, WAX_ERR_X509_BAD_SAN);
}

void
wax_x509_eku_iter(const struct wax_x509_ext_info *info,
                  struct wax_x509_iter *it)
{
    info_iter(it, info->has_eku, info->eku, WAX_ERR_X509_BAD_EKU);
}

void
wax_x509_policies_iter(const struct wax_x509_ext_info *info,
                       struct wax_x509_iter *it)
{
    info_iter(it, info->has_policies, info->policies,
              WAX_ERR_X509_BAD_POLICIES);
}

void
wax_x509_policy_mappings_iter(const struct wax_x509_ext_info *info,
                              struct wax_x509_iter *it)
{
    info_iter(it, info->has_policy_mappings, info->policy_mappings,
              WAX_ERR_X509_BAD_POLICIES);
}

void
wax_x509_permitted_iter(const struct wax_x509_ext_info *info,
                        struct wax_x509_iter *it)
{
    info_iter(it, info->has_permitted, info->permitted,
              WAX_ERR_X509_BAD_NAME_CONSTRAINTS);
}

void
wax_x509_excluded_iter(const struct wax_x509_ext_info *info,
                       struct wax_x509_iter *it)
{
    info_iter(it, info->has_excluded, info->excluded,
              WAX_ERR_X509_BAD_NAME_CONSTRAINTS);
}

void
wax_x509_crl_dps_iter(const struct wax_x509_ext_info *info,
                      struct wax_x509_iter *it)
{
    info_iter(it, info->has_crl_dps, info->crl_dps, WAX_ERR_X509_BAD_CRL_DP);
}

void
wax_x509_aia_iter(const struct wax_x509_ext_info *info,
                  struct wax_x509_iter *it)
{
    info_iter(it, info->has_aia, info->aia, WAX_ERR_X509_BAD_AIA);
}

bool
wax_x509_has_eku(const struct wax_x509_ext_info *info, enum wax_oid_id id)
{
    struct wax_x509_iter it;
    struct wax_span oid;
    enum wax_oid_id got;
    bool present = true;
    wax_x509_eku_iter(info, &it);
    while (wax_x509_oid_next(&it, &oid, &got, &present) == WAX_OK && present) {
        if (got == id && id != WAX_OID_UNKNOWN) {
            return true;
        }
    }
    return false;
}

const char *
wax_x509_ku_bit_name(uint32_t bit)
{
    switch (bit) {
    case WAX_KU_DIGITAL_SIGNATURE:
        return "digitalSignature";
    case WAX_KU_NON_REPUDIATION:
        return "nonRepudiation";
    case WAX_KU_KEY_ENCIPHERMENT:
        return "keyEncipherment";
    case WAX_KU_DATA_ENCIPHERMENT:
        return "dataEncipherment";
    case WAX_KU_KEY_AGREEMENT:
        return "keyAgreement";
    case WAX_KU_KEY_CERT_SIGN:
        return "keyCertSign";
    case WAX_KU_CRL_SIGN:
        return "cRLSign";
    case WAX_KU_ENCIPHER_ONLY:
        return "encipherOnly";
    case WAX_KU_DECIPHER_ONLY:
        return "decipherOnly";
    default:
        return NULL;
    }
}

/* ------------------------------------------------------------------ */
/* The Extensions list.                                                */

/*
 *   Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension
 *   Extension ::= SEQUENCE {
 *       extnID    OBJECT IDENTIFIER,
 *       critical  BOOLEAN DEFAULT FALSE,
 *       extnValue OCTET STRING }
 */
wax_err
x509_exts_parse(struct wax_span extensions, struct wax_x509_exts *exts,
                bool (*known)(enum wax_oid_id), wax_err bad)
{
    struct wax_span list;
    exts->num = 0;
    exts->num_unknown_critical = 0;
    WAX_ENSURE(seq_contents(extensions, &list, false), bad);
    while (list.len > 0) {
        struct wax_span seq;
        struct wax_x509_ext e = {0};
        WAX_ENSURE(wax_der_get(&list, WAX_DER_SEQUENCE, &seq), bad);
        WAX_ENSURE(wax_der_get_oid(&seq, &e.oid), bad);
        if (wax_der_peek(&seq, WAX_DER_BOOLEAN)) {
            WAX_ENSURE(wax_der_get_bool(&seq, &e.critical), bad);
            WAX_ENSURE(e.critical, WAX_ERR_DER_DEFAULT_ENCODED);
        }
        WAX_ENSURE(wax_der_get(&seq, WAX_DER_OCTET_STRING, &e.value) &&
                       wax_der_expect_end(&seq),
                   bad);
        for (size_t i = 0; i < exts->num; i++) {
            WAX_ENSURE(!wax_span_equal(exts->ext[i].oid, e.oid),
                       WAX_ERR_X509_DUPLICATE_EXTENSION);
        }
        WAX_ENSURE(exts->num < WAX_MAX_X509_EXTENSIONS, WAX_ERR_LIMIT_EXCEEDED);
        e.id = x509_oid_id(e.oid);
        e.known = e.id != WAX_OID_UNKNOWN && known(e.id);
        if (e.critical && !e.known) {
            exts->num_unknown_critical++;
        }
        exts->ext[exts->num++] = e;
    }
    return WAX_OK;
}

const struct wax_x509_ext *
wax_x509_exts_find(const struct wax_x509_exts *exts, enum wax_oid_id id)
{
    if (id == WAX_OID_UNKNOWN) {
        return NULL;
    }
    for (size_t i = 0; i < exts->num; i++) {
        if (exts->ext[i].id == id) {
            return &exts->ext[i];
        }
    }
    return NULL;
}

bool
x509_cert_ext_known(enum wax_oid_id id)
{
    switch (id) {
    case WAX_OID_CE_SUBJECT_KEY_IDENTIFIER:
    case WAX_OID_CE_KEY_USAGE:
    case WAX_OID_CE_SUBJECT_ALT_NAME:
    case WAX_OID_CE_ISSUER_ALT_NAME:
    case WAX_OID_CE_BASIC_CONSTRAINTS:
    case WAX_OID_CE_NAME_CONSTRAINTS:
    case WAX_OID_CE_CRL_DISTRIBUTION_POINTS:
    case WAX_OID_CE_CERTIFICATE_POLICIES:
    case WAX_OID_CE_POLICY_MAPPINGS:
    case WAX_OID_CE_AUTHORITY_KEY_IDENTIFIER:
    case WAX_OID_CE_POLICY_CONSTRAINTS:
    case WAX_OID_CE_EXT_KEY_USAGE:
    case WAX_OID_CE_FRESHEST_CRL:
    case WAX_OID_CE_INHIBIT_ANY_POLICY:
    case WAX_OID_PE_AUTHORITY_INFO_ACCESS:
    case WAX_OID_PE_SUBJECT_INFO_ACCESS:
        return true;
    default:
        return false;
    }
}

/* ------------------------------------------------------------------ */
/* Decoders of the known certificate extensions.                       */

/* BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE,
 *                                 pathLenConstraint INTEGER (0..MAX) OPTIONAL }
 */
static wax_err
decode_basic_constraints(struct wax_span value, struct wax_x509_ext_info *info)
{
    struct wax_span seq;
    const wax_err bad = WAX_ERR_X509_BAD_BASIC_CONSTRAINTS;
    WAX_ENSURE(seq_contents(value, &seq, true), bad);
    info->ca = false;
    if (wax_der_peek(&seq, WAX_DER_BOOLEAN)) {
        WAX_ENSURE(wax_der_get_bool(&seq, &info->ca), bad);
        WAX_ENSURE(info->ca, WAX_ERR_DER_DEFAULT_ENCODED);
    }
    info->has_path_len = false;
    if (seq.len > 0) {
        WAX_ENSURE(wax_der_get_u64(&seq, &info->path_len), bad);
        info->has_path_len = true;
    }
    WAX_ENSURE(wax_der_expect_end(&seq), bad);
    info->has_basic_constraints = true;
    return WAX_OK;
}

/*
 *   KeyUsage ::= BIT STRING { digitalSignature (0), nonRepudiation (1),
 *       keyEncipherment (2), dataEncipherment (3), keyAgreement (4),
 *       keyCertSign (5), cRLSign (6), encipherOnly (7), decipherOnly (8) }
 * At least one bit must be set (RFC 5280 §4.2.1.3); no bit past 8. DER's
 * NamedBitList rule (no trailing zero bits) is broken by deployed
 * certificates (OpenSSL's test "badrsa" among them), so a non-minimal
 * encoding is accepted and reported in key_usage_not_minimal; the general
 * BIT STRING rules (unused bits zero) were checked by the DER validator.
 */
static wax_err
decode_key_usage(struct wax_span value, struct wax_x509_ext_info *info)
{
    struct wax_span s = value, bytes;
    uint8_t unused;
    uint32_t bits = 0;
    WAX_ENSURE(wax_der_get_bit_string(&s, &bytes, &unused) &&
                   wax_der_expect_end(&s),
               WAX_ERR_X509_BAD_KEY_USAGE);
    for (size_t i = 0; i < bytes.len; i++) {
        for (size_t b = 0; b < 8; b++) {
            if ((bytes.p[i] & (0x80u >> b)) == 0) {
                continue;
            }
            WAX_ENSURE(i * 8 + b <= 8, WAX_ERR_X509_BAD_KEY_USAGE);
            bits |= 1u << (i * 8 + b);
        }
    }
    WAX_ENSURE(bits != 0, WAX_ERR_X509_BAD_KEY_USAGE);
    uint8_t last = bytes.p[bytes.len - 1];
    info->key_usage_not_minimal = (last & (1u << unused)) == 0;
    info->has_key_usage = true;
    info->key_usage = bits;
    return WAX_OK;
}

/* SubjectKeyIdentifier ::= KeyIdentifier ::= OCTET STRING */
static wax_err
decode_ski(struct wax_span value, struct wax_x509_ext_info *info)
{
    struct wax_span s = value;
    WAX_ENSURE(wax_der_get(&s, WAX_DER_OCTET_STRING, &info->ski) &&
                   wax_der_expect_end(&s),
               WAX_ERR_X509_BAD_KEY_ID);
    info->has_ski = true;
    return WAX_OK;
}

/*
 *   AuthorityKeyIdentifier ::= SEQUENCE {
 *       keyIdentifier             [0] KeyIdentifier OPTIONAL,
 *       authorityCertIssuer       [1] GeneralNames OPTIONAL,
 *       authorityCertSerialNumber [2] CertificateSerialNumber OPTIONAL }
 */
wax_err
x509_aki_decode(struct wax_span value, struct wax_x509_aki *out)
{
    struct wax_span seq;
    struct wax_x509_aki a = {0};
    const wax_err bad = WAX_ERR_X509_BAD_KEY_ID;
    WAX_ENSURE(seq_contents(value, &seq, true), bad);
    WAX_ENSURE(wax_der_get_optional(&seq, WAX_DER_CONTEXT_TAG(0), &a.key_id,
                                    &a.has_key_id),
               bad);
    WAX_ENSURE(wax_der_get_optional(&seq, WAX_DER_CONTEXT_CONS(1), &a.issuer,
                                    &a.has_issuer),
               bad);
    if (a.has_issuer) {
        WAX_TRY(x509_general_names_check(a.issuer, bad));
    }
    WAX_ENSURE(wax_der_get_optional(&seq, WAX_DER_CONTEXT_TAG(2), &a.serial,
                                    &a.has_serial),
               bad);
    if (a.has_serial) {
        WAX_ENSURE(wax_der_check_primitive(WAX_DER_INTEGER, a.serial) == WAX_OK,
                   bad);
    }
    WAX_ENSURE(wax_der_expect_end(&seq), bad);
    /* RFC 5280 §4.2.1.1 (X.509): issuer and serial come together. */
    WAX_ENSURE(a.has_issuer == a.has_serial, bad);
    a.present = true;
    *out = a;
    return WAX_OK;
}

/* GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName */
static wax_err
decode_general_names(struct wax_span value, struct wax_span *out, wax_err bad)
{
    struct wax_span list;
    WAX_ENSURE(seq_contents(value, &list, false), bad);
    WAX_TRY(x509_general_names_check(list, bad));
    *out = list;
    return WAX_OK;
}

/* ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId */
static wax_err
decode_eku(struct wax_span value, struct wax_x509_ext_info *info)
{
    struct wax_span list, oid;
    struct wax_x509_iter it;
    enum wax_oid_id id;
    bool present = true;
    WAX_ENSURE(seq_contents(value, &list, false), WAX_ERR_X509_BAD_EKU);
    wax_x509_iter_init(&it, list, WAX_ERR_X509_BAD_EKU);
    while (present) {
        WAX_TRY(wax_x509_oid_next(&it, &oid, &id, &present));
    }
    info->has_eku = true;
    info->eku = list;
    return WAX_OK;
}

static wax_err
check_subtrees(struct wax_span list)
{
    struct wax_x509_iter it;
    struct wax_x509_general_name g;
    bool present = true;
    WAX_ENSURE(list.len > 0, WAX_ERR_X509_BAD_NAME_CONSTRAINTS);
    wax_x509_iter_init(&it, list, WAX_ERR_X509_BAD_NAME_CONSTRAINTS);
    while (present) {
        WAX_TRY(wax_x509_subtree_next(&it, &g, &present));
    }
    return WAX_OK;
}

/*
 *   NameConstraints ::= SEQUENCE {
 *       permittedSubtrees [0] GeneralSubtrees OPTIONAL,
 *       excludedSubtrees  [1] GeneralSubtrees OPTIONAL }
 * RFC 5280 §4.2.1.10: not an empty sequence.
 */
static wax_err
decode_name_constraints(struct wax_span value, struct wax_x509_ext_info *info)
{
    struct wax_span seq;
    const wax_err bad = WAX_ERR_X509_BAD_NAME_CONSTRAINTS;
    WAX_ENSURE(seq_contents(value, &seq, false), bad);
    WAX_ENSURE(wax_der_get_optional(&seq, WAX_DER_CONTEXT_CONS(0),
                                    &info->permitted, &info->has_permitted),
               bad);
    WAX_ENSURE(wax_der_get_optional(&seq, WAX_DER_CONTEXT_CONS(1),
                                    &info->excluded, &info->has_excluded),
               bad);
    WAX_ENSURE(wax_der_expect_end(&seq), bad);
    if (info->has_permitted) {
        WAX_TRY(check_subtrees(info->permitted));
    }
    if (info->has_excluded) {
        WAX_TRY(check_subtrees(info->excluded));
    }
    info->has_name_constraints = true;
    return WAX_OK;
}

/* certificatePolicies ::= SEQUENCE SIZE (1..MAX) OF PolicyInformation; a
 * policy OID appears at most once (RFC 5280 §4.2.1.4). */
static wax_err
decode_policies(struct wax_span value, struct wax_x509_ext_info *info)
{
    struct wax_span list;
    struct wax_x509_iter it, it2;
    struct wax_x509_policy p, q;
    bool present = true;
    WAX_ENSURE(seq_contents(value, &list, false), WAX_ERR_X509_BAD_POLICIES);
    wax_x509_iter_init(&it, list, WAX_ERR_X509_BAD_POLICIES);
    for (;;) {
        WAX_TRY(wax_x509_policy_next(&it, &p, &present));
        if (!present) {
            break;
        }
        /* Quadratic, but bounded by WAX_MAX_X509_LIST. */
        wax_x509_iter_init(&it2, list, WAX_ERR_X509_BAD_POLICIES);
        for (size_t i = 1; i < it.count; i++) {
            bool more;
            WAX_TRY(wax_x509_policy_next(&it2, &q, &more));
            WAX_ENSURE(!wax_span_equal(p.oid, q.oid),
                       WAX_ERR_X509_BAD_POLICIES);
        }
    }
    info->has_policies = true;
    info->policies = list;
    return WAX_OK;
}

/* PolicyMappings ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE {
 *     issuerDomainPolicy CertPolicyId, subjectDomainPolicy CertPolicyId } */
static wax_err
decode_policy_mappings(struct wax_span value, struct wax_x509_ext_info *info)
{
    struct wax_span list;
    struct wax_x509_iter it;
    struct wax_x509_policy_mapping m;
    bool present = true;
    WAX_ENSURE(seq_contents(value, &list, false), WAX_ERR_X509_BAD_POLICIES);
    wax_x509_iter_init(&it, list, WAX_ERR_X509_BAD_POLICIES);
    while (present) {
        WAX_TRY(wax_x509_policy_mapping_next(&it, &m, &present));
    }
    info->has_policy_mappings = true;
    info->policy_mappings = list;
    return WAX_OK;
}

/*
 *   PolicyConstraints ::= SEQUENCE {
 *       requireExplicitPolicy [0] SkipCerts OPTIONAL,
 *       inhibitPolicyMapping  [1] SkipCerts OPTIONAL }
 *   SkipCerts ::= INTEGER (0..MAX)
 * RFC 5280 §4.2.1.11: not an empty sequence.
 */
static wax_err
decode_policy_constraints(struct wax_span value, struct wax_x509_ext_info *info)
{
    struct wax_span seq;
    const wax_err bad = WAX_ERR_X509_BAD_POLICY_CONSTRAINTS;
    WAX_ENSURE(seq_contents(value, &seq, false), bad);
    if (wax_der_peek(&seq, WAX_DER_CONTEXT_TAG(0))) {
        WAX_ENSURE(get_implicit_u64(&seq, WAX_DER_CONTEXT_TAG(0),
                                    &info->require_explicit),
                   bad);
        info->has_require_explicit = true;
    }
    if (wax_der_peek(&seq, WAX_DER_CONTEXT_TAG(1))) {
        WAX_ENSURE(get_implicit_u64(&seq, WAX_DER_CONTEXT_TAG(1),
                                    &info->inhibit_mapping),
                   bad);
        info->has_inhibit_mapping = true;
    }
    WAX_ENSURE(wax_der_expect_end(&seq), bad);
    info->has_policy_constraints = true;
    return WAX_OK;
}

/* InhibitAnyPolicy ::= SkipCerts */
static wax_err
decode_inhibit_any_policy(struct wax_span value, struct wax_x509_ext_info *info)
{
    struct wax_span s = value;
    WAX_ENSURE(wax_der_get_u64(&s, &info->inhibit_any_policy) &&
                   wax_der_expect_end(&s),
               WAX_ERR_X509_BAD_POLICY_CONSTRAINTS);
    info->has_inhibit_any_policy = true;
    return WAX_OK;
}

/* CRLDistributionPoints ::= SEQUENCE SIZE (1..MAX) OF DistributionPoint
 * (freshestCRL has the same syntax). */
static wax_err
decode_dps(struct wax_span value, struct wax_span *out)
{
    struct wax_span list;
    struct wax_x509_iter it;
    struct wax_x509_dist_point d;
    bool present = true;
    WAX_ENSURE(seq_contents(value, &list, false), WAX_ERR_X509_BAD_CRL_DP);
    wax_x509_iter_init(&it, list, WAX_ERR_X509_BAD_CRL_DP);
    while (present) {
        WAX_TRY(wax_x509_dist_point_next(&it, &d, &present));
    }
    *out = list;
    return WAX_OK;
}

/* AuthorityInfoAccessSyntax ::= SEQUENCE SIZE (1..MAX) OF AccessDescription
 * (subjectInfoAccess has the same syntax). */
static wax_err
decode_access(struct wax_span value, struct wax_span *out)
{
    struct wax_span list;
    struct wax_x509_iter it;
    struct wax_x509_access a;
    bool present = true;
    WAX_ENSURE(seq_contents(value, &list, false), WAX_ERR_X509_BAD_AIA);
    wax_x509_iter_init(&it, list, WAX_ERR_X509_BAD_AIA);
    while (present) {
        WAX_TRY(wax_x509_access_next(&it, &a, &present));
    }
    *out = list;
    return WAX_OK;
}

static wax_err
decode_one(const struct wax_x509_ext *e, struct wax_x509_ext_info *info)
{
    switch (e->id) {
    case WAX_OID_CE_BASIC_CONSTRAINTS:
        return decode_basic_constraints(e->value, info);
    case WAX_OID_CE_KEY_USAGE:
        return decode_key_usage(e->value, info);
    case WAX_OID_CE_SUBJECT_KEY_IDENTIFIER:
        return decode_ski(e->value, info);
    case WAX_OID_CE_AUTHORITY_KEY_IDENTIFIER:
        return x509_aki_decode(e->value, &info->aki);
    case WAX_OID_CE_SUBJECT_ALT_NAME:
        info->has_san = true;
        return decode_general_names(e->value, &info->san, WAX_ERR_X509_BAD_SAN);
    case WAX_OID_CE_ISSUER_ALT_NAME:
        info->has_ian = true;
        return decode_general_names(e->value, &info->ian, WAX_ERR_X509_BAD_SAN);
    case WAX_OID_CE_EXT_KEY_USAGE:
        return decode_eku(e->value, info);
    case WAX_OID_CE_NAME_CONSTRAINTS:
        return decode_name_constraints(e->value, info);
    case WAX_OID_CE_CERTIFICATE_POLICIES:
        return decode_policies(e->value, info);
    case WAX_OID_CE_POLICY_MAPPINGS:
        return decode_policy_mappings(e->value, info);
    case WAX_OID_CE_POLICY_CONSTRAINTS:
        return decode_policy_constraints(e->value, info);
    case WAX_OID_CE_INHIBIT_ANY_POLICY:
        return decode_inhibit_any_policy(e->value, info);
    case WAX_OID_CE_CRL_DISTRIBUTION_POINTS:
        info->has_crl_dps = true;
        return decode_dps(e->value, &info->crl_dps);
    case WAX_OID_CE_FRESHEST_CRL:
        info->has_freshest_crl = true;
        return decode_dps(e->value, &info->freshest_crl);
    case WAX_OID_PE_AUTHORITY_INFO_ACCESS:
        info->has_aia = true;
        return decode_access(e->value, &info->aia);
    case WAX_OID_PE_SUBJECT_INFO_ACCESS:
        info->has_sia = true;
        return decode_access(e->value, &info->sia);
    default:
        return WAX_OK;
    }
}

wax_err
x509_ext_info_decode(const struct wax_x509_exts *exts,
                     struct wax_x509_ext_info *info)
{
    struct wax_x509_ext_info tmp = {0};
    for (size_t i = 0; i < exts->num; i++) {
        const struct wax_x509_ext *e = &exts->ext[i];
        if (!e->known) {
            continue;
        }
        /* extnValue is an OCTET STRING, so the certificate's DER check did
         * not look inside: a known value must be strict DER too. */
        WAX_TRY(wax_der_validate(e->value.p, e->value.len, WAX_MAX_DER_DEPTH));
        WAX_TRY(decode_one(e, &tmp));
    }
    *info = tmp;
    return WAX_OK;
}
