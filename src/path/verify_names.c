/*
 * Name constraints, RFC 5280 6.1.3 (b)(c) and 6.1.4 (g).
 *
 * The permitted_subtrees and excluded_subtrees state variables are kept
 * as the list of the certificates above (anchor included) whose
 * constraints apply; a name is inside the intersection of their permitted
 * subtrees and outside the union of their excluded subtrees exactly when
 * every one of them, checked alone, accepts it - so no subtree
 * intersection is ever computed.
 *
 * Checked names of certificate k (the leaf always; an intermediate unless
 * it is self-issued): the subject as a directoryName (when not empty),
 * the subject's emailAddress attributes and the rfc822Name and
 * SmtpUTF8Mailbox (RFC 9598) subjectAltNames against rfc822Name
 * constraints, dNSName ("*." names as every name they could match),
 * iPAddress, directoryName SANs. A name that is malformed for its form
 * (a dNSName outside preferred name syntax, an address that is not
 * local@domain) is inside no subtree and outside none: a constraint of
 * its form refuses it. For every other name form (URI,
 * otherName, x400Address, ediPartyName, registeredID) wax does not
 * process constraints: when a constraint of that form applies and such a
 * name appears, the certificate is rejected (RFC 5280 4.2.1.10: "process
 * the constraint or reject the certificate").
 */
#include "path_int.h"

/* A name to check, as a GeneralName form and its value. */
struct cname {
    enum wax_x509_gn_type type; /* RFC822 for SmtpUTF8Mailbox too */
    struct wax_span value;
    struct wax_span other_type; /* OTHER_NAME */
    bool malformed;             /* not a name of its form: never inside */
};

/* Does subtree BASE contain NAME? Both of one type. */
static bool
subtree_has(const struct cname *name, const struct wax_x509_general_name *base,
            bool permitted)
{
    switch (name->type) {
    case WAX_GN_RFC822:
        return path_email_in_subtree(name->value, base->value);
    case WAX_GN_DNS:
        return path_dns_in_subtree(name->value, base->value, permitted);
    case WAX_GN_IP:
        return path_ip_in_subtree(name->value, base->value);
    case WAX_GN_DIRECTORY:
        return path_dn_in_subtree(name->value, base->value);
    case WAX_GN_OTHER_NAME:
    case WAX_GN_X400:
    case WAX_GN_EDI_PARTY:
    case WAX_GN_URI:
    case WAX_GN_REGISTERED_ID:
        return false;
    }
    return false;
}

static bool
processed_form(enum wax_x509_gn_type t)
{
    return t == WAX_GN_RFC822 || t == WAX_GN_DNS || t == WAX_GN_IP ||
           t == WAX_GN_DIRECTORY;
}

/* Whether BASE constrains names like NAME. */
static bool
same_form(const struct cname *name, const struct wax_x509_general_name *base)
{
    if (base->type != name->type) {
        return false;
    }
    if (name->type == WAX_GN_OTHER_NAME) {
        return wax_span_equal(base->other_type, name->other_type);
    }
    return true;
}

/* Checks NAME against the constraints of certificate J. */
static wax_err
check_name(struct path_state *st, const struct wax_x509_ext_info *nc,
           const struct cname *name)
{
    struct wax_x509_iter it;
    struct wax_x509_general_name base;
    bool present = true;
    /* excluded: in none */
    wax_x509_excluded_iter(nc, &it);
    while (present) {
        WAX_TRY(wax_x509_subtree_next(&it, &base, &present));
        if (!present || !same_form(name, &base)) {
            continue;
        }
        WAX_ENSURE(++st->name_checks <= WAX_MAX_PATH_NAME_CHECKS,
                   WAX_ERR_LIMIT_EXCEEDED);
        WAX_ENSURE(processed_form(name->type) && !name->malformed,
                   WAX_ERR_PATH_NAME_CONSTRAINTS);
        WAX_ENSURE(!subtree_has(name, &base, false),
                   WAX_ERR_PATH_NAME_CONSTRAINTS);
    }
    /* permitted: in one, when the form is constrained at all */
    bool constrained = false;
    present = true;
    wax_x509_permitted_iter(nc, &it);
    while (present) {
        WAX_TRY(wax_x509_subtree_next(&it, &base, &present));
        if (!present || !same_form(name, &base)) {
            continue;
        }
        WAX_ENSURE(++st->name_checks <= WAX_MAX_PATH_NAME_CHECKS,
                   WAX_ERR_LIMIT_EXCEEDED);
        WAX_ENSURE(processed_form(name->type) && !name->malformed,
                   WAX_ERR_PATH_NAME_CONSTRAINTS);
        constrained = true;
        if (subtree_has(name, &base, true)) {
            return WAX_OK;
        }
    }
    WAX_ENSURE(!constrained, WAX_ERR_PATH_NAME_CONSTRAINTS);
    return WAX_OK;
}

/* Every name of certificate C against the constraints NC. */
static wax_err
check_cert(struct path_state *st, const struct wax_x509_cert *c,
           const struct wax_x509_ext_info *nc)
{
    struct cname name;
    memset(&name, 0, sizeof name);
    if (!wax_x509_name_is_empty(c->subject)) {
        name.type = WAX_GN_DIRECTORY;
        name.value = c->subject;
        WAX_TRY(check_name(st, nc, &name));
        /* emailAddress attributes are rfc822 names (4.2.1.10) */
        struct wax_x509_name_iter ni;
        struct wax_x509_name_attr attr;
        bool present = true;
        WAX_TRY(wax_x509_name_iter_init(&ni, c->subject));
        for (;;) {
            WAX_TRY(wax_x509_name_next(&ni, &attr, &present));
            if (!present) {
                break;
            }
            if (attr.type_id == WAX_OID_PKCS9_EMAIL_ADDRESS) {
                name.type = WAX_GN_RFC822;
                name.value = attr.value;
                name.malformed = !path_email_syntax_ok(attr.value);
                WAX_TRY(check_name(st, nc, &name));
                name.malformed = false;
            }
        }
    }
    struct wax_x509_iter it;
    struct wax_x509_general_name g;
    bool present = true;
    wax_x509_san_iter(&c->info, &it);
    for (;;) {
        WAX_TRY(wax_x509_gn_next(&it, &g, &present));
        if (!present) {
            break;
        }
        name.type = g.type;
        name.value = g.value;
        name.other_type = g.other_type;
        name.malformed = false;
        if (g.type == WAX_GN_OTHER_NAME && g.is_smtp_utf8) {
            /* RFC 9598 6: rfc822Name constraints apply to it */
            name.type = WAX_GN_RFC822;
            name.malformed = !path_utf8_mailbox_ok(g.value);
        } else if (g.type == WAX_GN_RFC822) {
            name.malformed = !path_email_syntax_ok(g.value);
        } else if (g.type == WAX_GN_DNS) {
            name.malformed = !path_dns_syntax_ok(g.value, true);
        }
        WAX_TRY(check_name(st, nc, &name));
    }
    return WAX_OK;
}

void
path_step_name_constraints(struct path_state *st, size_t k)
{
    const struct path_cert *pc = path_at(st, k);
    if (k > 0 && pc->self_issued) {
        return;
    }
    for (size_t i = 0; i < st->num_nc; i++) {
        const struct wax_x509_ext_info *nc = &path_at(st, st->nc[i])->cert.info;
        wax_err err = check_cert(st, &pc->cert, nc);
        if (err != WAX_OK) {
            if (err != WAX_ERR_LIMIT_EXCEEDED && err != WAX_ERR_NOMEM &&
                err != WAX_ERR_PATH_NAME_CONSTRAINTS) {
                err = WAX_ERR_PATH_NAME_CONSTRAINTS;
            }
            path_problem(st, k, err);
            return;
        }
    }
}

/* A subtree base wax can evaluate must be well-formed. */
static bool
base_ok(const struct wax_x509_general_name *g)
{
    switch (g->type) {
    case WAX_GN_DNS:
        return path_dns_constraint_ok(g->value);
    case WAX_GN_RFC822:
        return path_email_constraint_ok(g->value);
    case WAX_GN_IP:
        return path_ip_constraint_ok(g->value);
    case WAX_GN_OTHER_NAME:
        /* RFC 9598 6: SmtpUTF8Mailbox constraints are not used */
        return !g->is_smtp_utf8;
    case WAX_GN_DIRECTORY:
    case WAX_GN_X400:
    case WAX_GN_EDI_PARTY:
    case WAX_GN_URI:
    case WAX_GN_REGISTERED_ID:
        return true;
    }
    return false;
}

static wax_err
check_subtrees(const struct wax_x509_ext_info *info, bool permitted)
{
    struct wax_x509_iter it;
    struct wax_x509_general_name g;
    bool present = true;
    if (permitted) {
        wax_x509_permitted_iter(info, &it);
    } else {
        wax_x509_excluded_iter(info, &it);
    }
    for (;;) {
        WAX_TRY(wax_x509_subtree_next(&it, &g, &present));
        if (!present) {
            return WAX_OK;
        }
        WAX_ENSURE(base_ok(&g), WAX_ERR_PATH_BAD_NAME_CONSTRAINTS);
    }
}

void
path_step_nc_update(struct path_state *st, size_t k)
{
    const struct wax_x509_ext_info *info = &path_at(st, k)->cert.info;
    if (!info->has_name_constraints) {
        return;
    }
    wax_err err = check_subtrees(info, true);
    if (err == WAX_OK) {
        err = check_subtrees(info, false);
    }
    if (err != WAX_OK) {
        path_problem(st, k, WAX_ERR_PATH_BAD_NAME_CONSTRAINTS);
        return;
    }
    if (st->num_nc < WAX_MAX_PATH_DEPTH) {
        st->nc[st->num_nc++] = k;
    }
}
