/* wax/wax.h - everything libwax offers, one include. */
#ifndef WAX_WAX_H
#define WAX_WAX_H

#include <wax/common.h>
#include <wax/err.h>
#include <wax/util.h>
#include <wax/crypto.h>
#include <wax/der.h>
#include <wax/x509.h>
#include <wax/path.h>
#include <wax/cms.h>
#include <wax/mime.h>
#include <wax/smime.h>
#include <wax/pki.h>
#include <wax/store.h>

#endif
