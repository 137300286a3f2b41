//! The `tls-server-end-point` channel binding (RFC 5929): a hash of the server's certificate.
//!
//! SCRAM-SHA-256-PLUS mixes this hash into the client's proof. A man in the middle who
//! terminates TLS with a certificate of its own makes the client hash *that* certificate,
//! the real server hashes its own, and the proofs no longer match: the password exchange
//! fails instead of being relayed.
//!
//! Which hash? RFC 5929 §4.1: the one in the certificate's own signature algorithm, except
//! that MD5 and SHA-1 become SHA-256. So an `ecdsa-with-SHA384` certificate is hashed with
//! SHA-384, and a `sha1WithRSAEncryption` one with SHA-256. PostgreSQL computes it the same
//! way on its side. An algorithm without a single hash (Ed25519, Ed448) has no defined
//! binding: [`compute`] returns `None` and the client does not offer to bind.
//!
//! Finding the algorithm needs only the outermost layer of the certificate:
//!
//! ```text
//! Certificate ::= SEQUENCE {
//!     tbsCertificate      SEQUENCE { … },          -- skipped
//!     signatureAlgorithm  SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL },
//!     signatureValue      BIT STRING }
//! ```
//!
//! so this module walks that much DER itself, checking every length against the input: a
//! malformed certificate gives `None`, never a panic.

use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

/// A hash function a certificate signature may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HashAlgorithm {
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlgorithm {
    /// The usual name (`"SHA-256"`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            HashAlgorithm::Sha224 => "SHA-224",
            HashAlgorithm::Sha256 => "SHA-256",
            HashAlgorithm::Sha384 => "SHA-384",
            HashAlgorithm::Sha512 => "SHA-512",
        }
    }

    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            HashAlgorithm::Sha224 => Sha224::digest(data).to_vec(),
            HashAlgorithm::Sha256 => Sha256::digest(data).to_vec(),
            HashAlgorithm::Sha384 => Sha384::digest(data).to_vec(),
            HashAlgorithm::Sha512 => Sha512::digest(data).to_vec(),
        }
    }
}

/// The `tls-server-end-point` data of a DER certificate and the hash used, or `None` when
/// the certificate cannot be parsed or its signature algorithm has no single hash.
pub(crate) fn compute(cert_der: &[u8]) -> Option<(HashAlgorithm, Vec<u8>)> {
    let algorithm = signature_hash(cert_der)?;
    Some((algorithm, algorithm.digest(cert_der)))
}

/// The hash to use for the certificate's channel binding (MD5 and SHA-1 already upgraded to
/// SHA-256).
pub(crate) fn signature_hash(cert_der: &[u8]) -> Option<HashAlgorithm> {
    let (certificate, _) = expect(cert_der, SEQUENCE)?;
    let (_tbs, rest) = expect(certificate, SEQUENCE)?;
    let (algorithm_identifier, _) = expect(rest, SEQUENCE)?;
    let (oid, parameters) = expect(algorithm_identifier, OBJECT_IDENTIFIER)?;
    match oid {
        // RSASSA-PSS names its hash in the parameters.
        RSASSA_PSS => pss_hash(parameters),
        _ => signature_oid_hash(oid),
    }
}

const SEQUENCE: u8 = 0x30;
const OBJECT_IDENTIFIER: u8 = 0x06;
/// `[0]`, constructed: the explicit tag of `hashAlgorithm` in RSASSA-PSS-params.
const CONTEXT_0: u8 = 0xa0;

// Signature algorithms, as the content octets of their OBJECT IDENTIFIERs.
const MD5_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x04]; // 1.2.840.113549.1.1.4
const SHA1_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05]; // …1.1.5
const RSASSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a]; // …1.1.10
const SHA256_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]; // …1.1.11
const SHA384_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c]; // …1.1.12
const SHA512_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d]; // …1.1.13
const SHA224_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0e]; // …1.1.14
const ECDSA_WITH_SHA1: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01]; // 1.2.840.10045.4.1
const ECDSA_WITH_SHA224: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x01]; // …4.3.1
const ECDSA_WITH_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]; // …4.3.2
const ECDSA_WITH_SHA384: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03]; // …4.3.3
const ECDSA_WITH_SHA512: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04]; // …4.3.4
const DSA_WITH_SHA1: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x03]; // 1.2.840.10040.4.3
const DSA_WITH_SHA224: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x01]; // 2.16.840.1.101.3.4.3.1
const DSA_WITH_SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x02]; // …3.4.3.2
const DSA_WITH_SHA384: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x03]; // …3.4.3.3
const DSA_WITH_SHA512: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x04]; // …3.4.3.4

// Hash algorithms (for RSASSA-PSS).
const ID_SHA1: &[u8] = &[0x2b, 0x0e, 0x03, 0x02, 0x1a]; // 1.3.14.3.2.26
const ID_SHA224: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04]; // 2.16.840.1.101.3.4.2.4
const ID_SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01]; // …3.4.2.1
const ID_SHA384: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02]; // …3.4.2.2
const ID_SHA512: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03]; // …3.4.2.3

fn signature_oid_hash(oid: &[u8]) -> Option<HashAlgorithm> {
    Some(match oid {
        // RFC 5929: MD5 and SHA-1 are replaced by SHA-256.
        MD5_WITH_RSA | SHA1_WITH_RSA | ECDSA_WITH_SHA1 | DSA_WITH_SHA1 => HashAlgorithm::Sha256,
        SHA224_WITH_RSA | ECDSA_WITH_SHA224 | DSA_WITH_SHA224 => HashAlgorithm::Sha224,
        SHA256_WITH_RSA | ECDSA_WITH_SHA256 | DSA_WITH_SHA256 => HashAlgorithm::Sha256,
        SHA384_WITH_RSA | ECDSA_WITH_SHA384 | DSA_WITH_SHA384 => HashAlgorithm::Sha384,
        SHA512_WITH_RSA | ECDSA_WITH_SHA512 | DSA_WITH_SHA512 => HashAlgorithm::Sha512,
        // Ed25519, Ed448, SHA-3 based and unknown algorithms: no binding defined here.
        _ => return None,
    })
}

/// The hash of RSASSA-PSS-params (`hashAlgorithm [0] … DEFAULT sha1`).
fn pss_hash(parameters: &[u8]) -> Option<HashAlgorithm> {
    let (params, _) = expect(parameters, SEQUENCE)?;
    let hash_oid = match read(params) {
        Some((CONTEXT_0, explicit, _)) => {
            let (hash_algorithm, _) = expect(explicit, SEQUENCE)?;
            expect(hash_algorithm, OBJECT_IDENTIFIER)?.0
        }
        // hashAlgorithm absent: the default, SHA-1.
        _ => ID_SHA1,
    };
    Some(match hash_oid {
        ID_SHA1 | ID_SHA256 => HashAlgorithm::Sha256,
        ID_SHA224 => HashAlgorithm::Sha224,
        ID_SHA384 => HashAlgorithm::Sha384,
        ID_SHA512 => HashAlgorithm::Sha512,
        _ => return None,
    })
}

/// Reads one element with tag `tag`: its content and what follows it.
fn expect(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    match read(input)? {
        (t, content, rest) if t == tag => Some((content, rest)),
        _ => None,
    }
}

/// Reads one DER element (single-byte tags only, which is all a certificate's outer layer
/// uses): tag, content, and the rest of the input.
fn read(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        // Long form: the low bits count the length octets. 0x80 (indefinite) is not DER;
        // more than four octets would describe more than 4 GiB.
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let (octets, after) = rest.split_at(count);
        rest = after;
        octets.iter().fold(0usize, |n, &b| (n << 8) | usize::from(b))
    };
    if rest.len() < len {
        return None;
    }
    let (content, after) = rest.split_at(len);
    Some((tag, content, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal "certificate": SEQUENCE { SEQUENCE {} , SEQUENCE { OID, params… } , BIT STRING }.
    fn fake_cert(algorithm_identifier_content: &[u8]) -> Vec<u8> {
        let mut alg = vec![SEQUENCE, algorithm_identifier_content.len() as u8];
        alg.extend_from_slice(algorithm_identifier_content);
        let mut body = vec![SEQUENCE, 0];
        body.extend_from_slice(&alg);
        body.extend_from_slice(&[0x03, 0x01, 0x00]);
        let mut cert = vec![SEQUENCE, body.len() as u8];
        cert.extend_from_slice(&body);
        cert
    }

    fn oid(content: &[u8]) -> Vec<u8> {
        let mut v = vec![OBJECT_IDENTIFIER, content.len() as u8];
        v.extend_from_slice(content);
        v
    }

    #[test]
    fn picks_the_signature_hash_and_upgrades_md5_and_sha1() {
        let cases: &[(&[u8], Option<HashAlgorithm>)] = &[
            (MD5_WITH_RSA, Some(HashAlgorithm::Sha256)),
            (SHA1_WITH_RSA, Some(HashAlgorithm::Sha256)),
            (ECDSA_WITH_SHA1, Some(HashAlgorithm::Sha256)),
            (SHA224_WITH_RSA, Some(HashAlgorithm::Sha224)),
            (SHA256_WITH_RSA, Some(HashAlgorithm::Sha256)),
            (ECDSA_WITH_SHA384, Some(HashAlgorithm::Sha384)),
            (SHA512_WITH_RSA, Some(HashAlgorithm::Sha512)),
            (DSA_WITH_SHA256, Some(HashAlgorithm::Sha256)),
            (&[0x2b, 0x65, 0x70], None), // Ed25519
        ];
        for (alg, expected) in cases {
            assert_eq!(signature_hash(&fake_cert(&oid(alg))), *expected, "{alg:02x?}");
        }
    }

    #[test]
    fn rsassa_pss_uses_the_hash_in_its_parameters() {
        // hashAlgorithm [0] { SEQUENCE { id-sha384 } }
        let hash = {
            let inner = oid(ID_SHA384);
            let mut seq = vec![SEQUENCE, inner.len() as u8];
            seq.extend_from_slice(&inner);
            let mut explicit = vec![CONTEXT_0, seq.len() as u8];
            explicit.extend_from_slice(&seq);
            explicit
        };
        let mut params = vec![SEQUENCE, hash.len() as u8];
        params.extend_from_slice(&hash);
        let mut alg = oid(RSASSA_PSS);
        alg.extend_from_slice(&params);
        assert_eq!(signature_hash(&fake_cert(&alg)), Some(HashAlgorithm::Sha384));
        // Empty parameters: the default hash, SHA-1, becomes SHA-256.
        let mut alg = oid(RSASSA_PSS);
        alg.extend_from_slice(&[SEQUENCE, 0]);
        assert_eq!(signature_hash(&fake_cert(&alg)), Some(HashAlgorithm::Sha256));
    }

    #[test]
    fn malformed_input_gives_none_without_panicking() {
        let good = fake_cert(&oid(SHA256_WITH_RSA));
        for cut in 0..good.len() {
            assert_eq!(signature_hash(&good[..cut]), None, "cut at {cut}");
        }
        assert_eq!(signature_hash(&[0x30, 0x80, 0x00, 0x00]), None); // indefinite length
        assert_eq!(signature_hash(&[0x30, 0x85, 1, 2, 3, 4, 5]), None); // 5 length octets
        assert_eq!(signature_hash(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(signature_hash(&[]), None);
    }

    #[test]
    fn long_form_lengths_are_read() {
        let content = vec![0u8; 300];
        let mut der = vec![SEQUENCE, 0x82, 0x01, 0x2c];
        der.extend_from_slice(&content);
        let (tag, body, rest) = read(&der).unwrap();
        assert_eq!((tag, body.len(), rest.len()), (SEQUENCE, 300, 0));
    }

    #[test]
    fn real_certificates_hash_with_their_signature_hash() {
        use tusk_testkit::{CertAlgorithm, TestCerts};
        for (alg, hash, len) in [
            (CertAlgorithm::EcdsaP256, HashAlgorithm::Sha256, 32),
            (CertAlgorithm::EcdsaP384, HashAlgorithm::Sha384, 48),
        ] {
            let certs = TestCerts::generate(alg).unwrap();
            let (found, digest) = compute(certs.server().cert_der()).unwrap();
            assert_eq!((found, digest.len()), (hash, len));
        }
    }
}
