/*
 * fuzz_mime_header: arbitrary input as a header section.
 * Checked:
 *  - wax_mime_header_parse never crashes; on success the fields are in
 *    order inside the section, each raw span starts with its name and
 *    holds its value; a failure leaves the output untouched;
 *  - the splitter sink fed whole, byte by byte and in random chunks gives
 *    the same error, the same fields and the same body bytes;
 *  - on success its header equals the one-shot parse of the same bytes;
 *  - the value parsers (Content-Type and parameters, CTE, disposition,
 *    unfolding, S/MIME identification) run on every field without
 *    crashing, and unfolding never lengthens.
 */
#include "mime_fuzz.h"

static struct wax_mime_header one;
static struct wax_mime_splitter sp;

struct run {
    wax_err err;
    struct wax_buf body;
    size_t num_fields;
    size_t raw_len;
    size_t name_off[WAX_MAX_MIME_FIELDS];
    size_t raw_len_f[WAX_MAX_MIME_FIELDS];
};

static struct run runs[3];

static void
exercise_values(const struct wax_mime_header *h)
{
    static struct wax_mime_content_type ct;
    static struct wax_mime_disposition d;
    static uint8_t buf[1 << 16];
    for (size_t i = 0; i < h->num_fields; i++) {
        const struct wax_mime_field *f = &h->fields[i];
        size_t n;
        bool present;
        if (wax_mime_unfold(buf, sizeof buf, &n, f->value) == WAX_OK) {
            mf_must(n <= f->value.len);
        }
        if (wax_mime_content_type_parse(&ct, f->value) == WAX_OK) {
            static const char *names[] = {"boundary", "name",       "protocol",
                                          "micalg",   "smime-type", "charset"};
            for (size_t k = 0; k < 6; k++) {
                if (wax_mime_param_get(&ct.params, buf, sizeof buf, &n,
                                       &present, names[k]) == WAX_OK) {
                    mf_must(present || n == 0);
                }
            }
        }
        if (wax_mime_disposition_parse(&d, f->value) == WAX_OK) {
            (void)wax_mime_param_get(&d.params, buf, 16, &n, &present,
                                     "filename");
        }
        enum wax_mime_cte cte;
        (void)wax_mime_cte_parse(&cte, f->value);
    }
    struct wax_mime_smime_info info;
    (void)wax_mime_smime_identify(&info, h);
    uint8_t b[WAX_MAX_MIME_BOUNDARY];
    size_t blen;
    if (wax_mime_header_boundary(b, &blen, h) == WAX_OK) {
        mf_must(blen >= 1 && blen <= WAX_MAX_MIME_BOUNDARY);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    size_t off = 777;
    one.num_fields = 4242;
    wax_err err = wax_mime_header_parse(&one, &off, data, len);
    if (err != WAX_OK) {
        mf_must(one.num_fields == 4242 && off == 777);
    } else {
        mf_must(off <= len && one.raw.len == off);
        const uint8_t *prev = data;
        for (size_t i = 0; i < one.num_fields; i++) {
            const struct wax_mime_field *f = &one.fields[i];
            mf_must(f->raw.p >= prev && f->raw.p == f->name.p);
            mf_must(f->value.p >= f->name.p + f->name.len);
            mf_must(f->value.p + f->value.len <= f->raw.p + f->raw.len);
            mf_must(f->raw.p + f->raw.len <= data + off);
            prev = f->raw.p + f->raw.len;
        }
        exercise_values(&one);
    }

    uint64_t seed = mf_seed(data, len);
    for (int mode = 0; mode < 3; mode++) {
        struct run *r = &runs[mode];
        wax_buf_init(&r->body, (size_t)1 << 24);
        wax_mime_splitter_init(&sp, NULL, NULL, wax_buf_sink(&r->body));
        r->err = mf_feed(wax_mime_splitter_sink(&sp), data, len, mode, seed);
        r->num_fields = 0;
        if (r->err == WAX_OK) {
            mf_must(wax_mime_splitter_has_header(&sp));
            const struct wax_mime_header *h = &sp.header;
            r->num_fields = h->num_fields;
            r->raw_len = h->raw.len;
            mf_must(h->raw.len + r->body.len == len);
            mf_must(h->raw.len == 0 || memcmp(h->raw.p, data, h->raw.len) == 0);
            for (size_t i = 0; i < h->num_fields; i++) {
                r->name_off[i] = (size_t)(h->fields[i].name.p - h->raw.p);
                r->raw_len_f[i] = h->fields[i].raw.len;
            }
            /* the splitter's header is the one-shot parse of its bytes */
            static struct wax_mime_header again;
            size_t off2;
            mf_must(wax_mime_header_parse(&again, &off2, h->raw.p,
                                          h->raw.len) == WAX_OK);
            mf_must(again.num_fields == h->num_fields);
        }
        wax_mime_splitter_cleanup(&sp);
    }
    for (int mode = 1; mode < 3; mode++) {
        mf_must(runs[mode].err == runs[0].err);
        mf_must(runs[mode].body.len == runs[0].body.len);
        mf_must(runs[0].body.len == 0 ||
                memcmp(runs[mode].body.data, runs[0].body.data,
                       runs[0].body.len) == 0);
        mf_must(runs[mode].num_fields == runs[0].num_fields);
        for (size_t i = 0; i < runs[0].num_fields; i++) {
            mf_must(runs[mode].name_off[i] == runs[0].name_off[i]);
            mf_must(runs[mode].raw_len_f[i] == runs[0].raw_len_f[i]);
        }
    }
    for (int mode = 0; mode < 3; mode++) {
        wax_buf_cleanup(&runs[mode].body);
    }
    return 0;
}
