/* Names and messages of wax_err, generated from the list in wax/err.h. */
#include <string.h>

#include <wax/err.h>

const char *
wax_err_name(wax_err err)
{
    switch (err) {
#define WAX_ERR_NAME_CASE(name, num, msg)                                      \
    case WAX_ERR_##name:                                                       \
        return num == 0 ? "WAX_OK" : "WAX_ERR_" #name;
        WAX_ERR_LIST(WAX_ERR_NAME_CASE)
#undef WAX_ERR_NAME_CASE
    }
    return "WAX_ERR_UNKNOWN";
}

const char *
wax_err_str(wax_err err)
{
    switch (err) {
#define WAX_ERR_STR_CASE(name, num, msg)                                       \
    case WAX_ERR_##name:                                                       \
        return msg;
        WAX_ERR_LIST(WAX_ERR_STR_CASE)
#undef WAX_ERR_STR_CASE
    }
    return "unknown error";
}

bool
wax_err_from_name(const char *name, wax_err *out_err)
{
    static const struct {
        const char *name;
        wax_err err;
    } table[] = {
#define WAX_ERR_TABLE_ROW(name, num, msg)                                      \
    {num == 0 ? "WAX_OK" : "WAX_ERR_" #name, WAX_ERR_##name},
        WAX_ERR_LIST(WAX_ERR_TABLE_ROW)
#undef WAX_ERR_TABLE_ROW
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strcmp(table[i].name, name) == 0) {
            *out_err = table[i].err;
            return true;
        }
    }
    return false;
}
