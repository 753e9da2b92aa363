/*
 * wax/cms.h - the cms layer: CMS content types (RFC 5652) as streaming
 * push encoders and decoders: SignedData, EnvelopedData, AuthEnvelopedData
 * (RFC 5083/5084), and later CompressedData and ESS receipts.
 *
 * Input may be DER or BER (definite or indefinite lengths, constructed
 * OCTET STRINGs): it enters through the streaming BER reader of the der
 * layer. Small structures (certificates, signerInfos, recipientInfos,
 * algorithm parameters) are captured into capped buffers and parsed with
 * the strict DER reader; only content octets stream. Output is DER when the
 * whole content fits the encoder's threshold and indefinite-length BER
 * otherwise.
 *
 * Nothing in this layer releases unverified content: decoders push content
 * into a caller sink that must be a wax_spool, and the caller releases it
 * only after the verdict (SECURITY.md rule 1).
 */
#ifndef WAX_CMS_H
#define WAX_CMS_H

#include <wax/common.h>
#include <wax/err.h>
#include <wax/util.h>
#include <wax/crypto.h>
#include <wax/der.h>
#include <wax/x509.h>

/* ================================================================== */
/* Common: content types, limits, attributes.                          */

/* ================================================================== */
/* SignedData.                                                         */

/* ================================================================== */
/* EnvelopedData and AuthEnvelopedData.                                */

#endif
