//! SCRAM-SHA-256 and SCRAM-SHA-256-PLUS (RFC 5802, RFC 7677) as PostgreSQL speaks them.
//!
//! Two state machines, one per side: [`ScramClient`] and [`ScramServer`]. Each takes the
//! peer's message as bytes and returns the bytes of its answer; the caller carries them in
//! `SASLInitialResponse` / `SASLResponse` and `AuthenticationSASLContinue` /
//! `AuthenticationSASLFinal`. See the [module docs of `auth`](super) for the whole
//! exchange.
//!
//! # The keys
//!
//! ```text
//! SaltedPassword  = PBKDF2-HMAC-SHA-256(SASLprep(password), salt, iterations)
//! ClientKey       = HMAC(SaltedPassword, "Client Key")
//! StoredKey       = SHA-256(ClientKey)                 ┐ what the server stores
//! ServerKey       = HMAC(SaltedPassword, "Server Key") ┘ (ScramSecret)
//! AuthMessage     = client-first-bare + "," + server-first + "," + client-final-without-proof
//! ClientProof     = ClientKey XOR HMAC(StoredKey, AuthMessage)
//! ServerSignature = HMAC(ServerKey, AuthMessage)
//! ```
//!
//! The server recovers `ClientKey` from the proof and checks that it hashes to `StoredKey`;
//! the client checks that the server could compute `ServerSignature`.
//!
//! # PostgreSQL's dialect
//!
//! * The client sends an empty user name (`n=`): the server already has the user from the
//!   startup packet, and ignores this one.
//! * The GS2 header says what the client knows about channel binding ([`ChannelBinding`]):
//!   `n,,` it cannot bind, `y,,` it could but the server did not offer `-PLUS`, and
//!   `p=tls-server-end-point,,` it binds to the hash of the server's TLS certificate.
//!   Authorization identities (`a=`) are refused.
//! * Passwords go through SASLprep the way PostgreSQL does it (see
//!   [`saslprep`](fn@super::saslprep)).
//! * Secrets are stored as `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`
//!   ([`ScramSecret`]).

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::{constant_time_eq, saslprep};

/// The SASL name of SCRAM-SHA-256 without channel binding.
///
/// ```
/// assert_eq!(tusk_proto::auth::SCRAM_SHA_256, "SCRAM-SHA-256");
/// ```
pub const SCRAM_SHA_256: &str = "SCRAM-SHA-256";

/// The SASL name of SCRAM-SHA-256 with channel binding (`tls-server-end-point`).
///
/// ```
/// assert_eq!(tusk_proto::auth::SCRAM_SHA_256_PLUS, "SCRAM-SHA-256-PLUS");
/// ```
pub const SCRAM_SHA_256_PLUS: &str = "SCRAM-SHA-256-PLUS";

/// The largest iteration count a [`ScramClient`] accepts unless told otherwise
/// ([`ScramClient::with_max_iterations`]). PostgreSQL's default is 4096; ten million
/// iterations already take seconds, so a server asking for more is refused before the
/// client spends any time on it.
pub const DEFAULT_MAX_ITERATIONS: u32 = 10_000_000;

/// The only channel binding type PostgreSQL supports.
const TLS_SERVER_END_POINT: &str = "tls-server-end-point";

/// Length of SHA-256 digests, and so of every SCRAM-SHA-256 key, proof and signature.
const KEY_LEN: usize = 32;

type HmacSha256 = Hmac<Sha256>;

/// Turns random bytes into a SCRAM nonce: their base64 encoding, which uses only
/// characters a nonce may contain.
///
/// Pass at least 18 bytes from a cryptographic random number generator (PostgreSQL uses
/// 18, which makes 24 characters).
///
/// ```
/// use tusk_proto::auth::generate_nonce;
///
/// assert_eq!(generate_nonce(&[0xfb, 0xff, 0x00]), "+/8A");
/// assert_eq!(generate_nonce(&[7; 18]).len(), 24);
/// ```
#[must_use]
pub fn generate_nonce(random_bytes: &[u8]) -> String {
    BASE64.encode(random_bytes)
}

/// What went wrong in a SCRAM exchange.
///
/// Every message from the peer is checked; none of them can make this module panic.
///
/// ```
/// use tusk_proto::auth::{ChannelBinding, ScramClient, ScramError};
///
/// let mut client = ScramClient::new(b"pw", ChannelBinding::Unsupported, "abc");
/// let err = client.handle_server_first(b"r=xyz,s=c2FsdA==,i=4096").unwrap_err();
/// assert_eq!(err, ScramError::NonceMismatch);
/// println!("{err}"); // "SCRAM: the server's nonce does not extend the client's"
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScramError {
    /// A message does not follow the SCRAM grammar; the text says which part.
    Malformed(&'static str),
    /// The peer asked for a SCRAM feature PostgreSQL does not support (an authorization
    /// identity, a mandatory extension).
    Unsupported(&'static str),
    /// No mechanism both sides support: the client picked a mechanism the server did not
    /// offer, or the server offered none the client can use. Holds the mechanism name(s).
    UnsupportedMechanism(String),
    /// A nonce is empty or contains characters a nonce may not (printable ASCII except
    /// `,` only).
    InvalidNonce,
    /// The server's nonce does not start with the client's nonce and add to it, or the
    /// client's final message does not repeat the combined nonce.
    NonceMismatch,
    /// The iteration count is 0, or larger than the client accepts. Counts too large for
    /// a `u32` are reported as `u32::MAX`.
    IterationCount(u32),
    /// The client's proof is wrong: wrong password (or no such user).
    InvalidProof,
    /// The server's signature is wrong: the server does not know the password's secret.
    InvalidServerSignature,
    /// The server ended the exchange with an `e=` error, whose value this holds.
    ServerError(String),
    /// Channel binding failed or was negotiated inconsistently; the text says how.
    ChannelBinding(&'static str),
    /// A stored secret could not be parsed; the text says which part.
    InvalidSecret(&'static str),
    /// A message arrived when the exchange was not waiting for it, after the exchange
    /// ended, or after an earlier error.
    OutOfOrder,
}

impl fmt::Display for ScramError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(what) => write!(f, "SCRAM: malformed message: {what}"),
            Self::Unsupported(what) => write!(f, "SCRAM: unsupported feature: {what}"),
            Self::UnsupportedMechanism(name) => {
                write!(f, "SCRAM: unsupported SASL mechanism: {name}")
            }
            Self::InvalidNonce => write!(f, "SCRAM: invalid nonce"),
            Self::NonceMismatch => {
                write!(f, "SCRAM: the server's nonce does not extend the client's")
            }
            Self::IterationCount(n) => write!(f, "SCRAM: unacceptable iteration count {n}"),
            Self::InvalidProof => write!(f, "SCRAM: wrong password (invalid client proof)"),
            Self::InvalidServerSignature => write!(f, "SCRAM: invalid server signature"),
            Self::ServerError(what) => write!(f, "SCRAM: the server reported an error: {what}"),
            Self::ChannelBinding(what) => write!(f, "SCRAM: channel binding: {what}"),
            Self::InvalidSecret(what) => write!(f, "SCRAM: invalid stored secret: {what}"),
            Self::OutOfOrder => write!(f, "SCRAM: message out of order"),
        }
    }
}

impl std::error::Error for ScramError {}

/// What the client says about channel binding, which decides the mechanism and the GS2
/// header it sends.
///
/// The TLS layer only has to hash the server's certificate (with the certificate's
/// signature hash, SHA-256 for MD5 and SHA-1, as RFC 5929 says) for
/// [`TlsServerEndPoint`](Self::TlsServerEndPoint). [`negotiate`](Self::negotiate) picks the
/// variant from what the server offers.
///
/// ```
/// use tusk_proto::auth::{ChannelBinding, ScramClient};
///
/// let plain = ScramClient::new(b"pw", ChannelBinding::Unsupported, "nonce");
/// assert_eq!(plain.client_first(), b"n,,n=,r=nonce");
/// let bound = ScramClient::new(b"pw", ChannelBinding::TlsServerEndPoint(vec![1; 32]), "nonce");
/// assert_eq!(bound.mechanism(), "SCRAM-SHA-256-PLUS");
/// assert_eq!(bound.client_first(), b"p=tls-server-end-point,,n=,r=nonce");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelBinding {
    /// The client cannot bind (no TLS): GS2 header `n,,`, mechanism SCRAM-SHA-256.
    Unsupported,
    /// The client could bind, but the server did not offer SCRAM-SHA-256-PLUS: GS2 header
    /// `y,,`, mechanism SCRAM-SHA-256. A server that does support channel binding refuses
    /// this, which defeats an attacker that strips `-PLUS` from the offer.
    NotUsed,
    /// Bind to the TLS channel: GS2 header `p=tls-server-end-point,,`, mechanism
    /// SCRAM-SHA-256-PLUS. Holds the hash of the server's certificate.
    TlsServerEndPoint(Vec<u8>),
}

impl ChannelBinding {
    /// Chooses the channel binding the way libpq does, from the mechanisms listed in
    /// `AuthenticationSASL` and the `tls-server-end-point` hash of the server certificate,
    /// if the connection uses TLS and the hash could be computed.
    ///
    /// Binds when both sides can; says [`NotUsed`](Self::NotUsed) when only the client
    /// can; fails with [`ScramError::UnsupportedMechanism`] when the server offers nothing
    /// usable. A driver that requires channel binding (`channel_binding=require`) checks
    /// that the result is [`TlsServerEndPoint`](Self::TlsServerEndPoint).
    ///
    /// ```
    /// use tusk_proto::auth::{ChannelBinding, ScramError};
    ///
    /// let both = ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"];
    /// assert_eq!(
    ///     ChannelBinding::negotiate(both, Some(vec![9; 32])),
    ///     Ok(ChannelBinding::TlsServerEndPoint(vec![9; 32])),
    /// );
    /// assert_eq!(ChannelBinding::negotiate(both, None), Ok(ChannelBinding::Unsupported));
    /// assert_eq!(
    ///     ChannelBinding::negotiate(["SCRAM-SHA-256"], Some(vec![9; 32])),
    ///     Ok(ChannelBinding::NotUsed),
    /// );
    /// assert!(matches!(
    ///     ChannelBinding::negotiate(["OAUTHBEARER"], None),
    ///     Err(ScramError::UnsupportedMechanism(_)),
    /// ));
    /// ```
    pub fn negotiate<I, S>(
        server_mechanisms: I,
        tls_server_end_point: Option<Vec<u8>>,
    ) -> Result<ChannelBinding, ScramError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut offered = Vec::new();
        let (mut plain, mut plus) = (false, false);
        for mechanism in server_mechanisms {
            let mechanism = mechanism.as_ref();
            match mechanism {
                SCRAM_SHA_256 => plain = true,
                SCRAM_SHA_256_PLUS => plus = true,
                _ => {}
            }
            offered.push(mechanism.to_owned());
        }
        match tls_server_end_point {
            Some(hash) if plus => Ok(ChannelBinding::TlsServerEndPoint(hash)),
            Some(_) if plain => Ok(ChannelBinding::NotUsed),
            None if plain => Ok(ChannelBinding::Unsupported),
            _ => Err(ScramError::UnsupportedMechanism(offered.join(", "))),
        }
    }

    /// The GS2 header: the start of client-first, and of the `c=` channel binding input.
    fn gs2_header(&self) -> &'static str {
        match self {
            ChannelBinding::Unsupported => "n,,",
            ChannelBinding::NotUsed => "y,,",
            ChannelBinding::TlsServerEndPoint(_) => "p=tls-server-end-point,,",
        }
    }

    /// The SASL mechanism this choice goes with.
    fn mechanism(&self) -> &'static str {
        match self {
            ChannelBinding::TlsServerEndPoint(_) => SCRAM_SHA_256_PLUS,
            ChannelBinding::Unsupported | ChannelBinding::NotUsed => SCRAM_SHA_256,
        }
    }

    /// The bytes that client-final carries, base64-encoded, in `c=`.
    fn cbind_input(&self) -> Vec<u8> {
        let mut input = self.gs2_header().as_bytes().to_vec();
        if let ChannelBinding::TlsServerEndPoint(hash) = self {
            input.extend_from_slice(hash);
        }
        input
    }
}

/// What the server can bind to, which decides whether it offers SCRAM-SHA-256-PLUS.
///
/// ```
/// use tusk_proto::auth::{ScramSecret, ScramServer, ServerChannelBinding};
///
/// let secret = ScramSecret::new(b"pw", b"salt", 4096)?;
/// let tls = ScramServer::new(secret, "nonce", ServerChannelBinding::TlsServerEndPoint(vec![0; 32]));
/// assert_eq!(tls.mechanisms(), ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"]);
/// # Ok::<(), tusk_proto::auth::ScramError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerChannelBinding {
    /// No TLS, or no certificate hash: offer only SCRAM-SHA-256.
    None,
    /// Offer SCRAM-SHA-256-PLUS too, binding to this hash of our certificate
    /// (`tls-server-end-point`).
    TlsServerEndPoint(Vec<u8>),
}

/// A user's stored SCRAM-SHA-256 secret: what a server needs to check a password, and all
/// it should keep (PostgreSQL's `pg_authid.rolpassword`).
///
/// `Display` writes it in PostgreSQL's format; [`parse`](Self::parse) (and `FromStr`) read
/// it back. `Debug` hides the keys.
///
/// ```
/// use tusk_proto::auth::ScramSecret;
///
/// let secret = ScramSecret::new(b"pencil", b"some random salt", 4096)?;
/// let text = secret.to_string();
/// assert!(text.starts_with("SCRAM-SHA-256$4096:c29tZSByYW5kb20gc2FsdA==$"));
/// assert_eq!(ScramSecret::parse(&text)?, secret);
/// # Ok::<(), tusk_proto::auth::ScramError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ScramSecret {
    /// PBKDF2 iteration count; at least 1.
    pub iterations: u32,
    /// The salt, raw (not base64).
    pub salt: Vec<u8>,
    /// `SHA-256(HMAC(SaltedPassword, "Client Key"))`.
    pub stored_key: [u8; KEY_LEN],
    /// `HMAC(SaltedPassword, "Server Key")`.
    pub server_key: [u8; KEY_LEN],
}

impl ScramSecret {
    /// Derives the secret for a password, as `CREATE ROLE … PASSWORD` does with
    /// `password_encryption = scram-sha-256`. The password goes through SASLprep first.
    ///
    /// `salt` should be random (PostgreSQL uses 16 bytes); `iterations` must be at least
    /// 1 (PostgreSQL's default is 4096), else this fails with
    /// [`ScramError::IterationCount`].
    ///
    /// ```
    /// use tusk_proto::auth::{ScramError, ScramSecret};
    ///
    /// let secret = ScramSecret::new(b"pencil", b"salt", 4096)?;
    /// assert_eq!(secret.iterations, 4096);
    /// assert_eq!(ScramSecret::new(b"pencil", b"salt", 0), Err(ScramError::IterationCount(0)));
    /// # Ok::<(), ScramError>(())
    /// ```
    pub fn new(password: &[u8], salt: &[u8], iterations: u32) -> Result<Self, ScramError> {
        if iterations == 0 {
            return Err(ScramError::IterationCount(0));
        }
        let keys = Keys::derive(&saslprep(password), salt, iterations);
        Ok(ScramSecret {
            iterations,
            salt: salt.to_vec(),
            stored_key: keys.stored_key,
            server_key: keys.server_key,
        })
    }

    /// A secret no password matches, for a user that does not exist.
    ///
    /// A server that answers "no such user" at once tells an attacker which users exist.
    /// PostgreSQL instead runs the exchange with a made-up secret and fails it at the
    /// proof, like a wrong password. For that to be indistinguishable, the salt must be the
    /// same every time for the same user name: derive it from the name and a server-wide
    /// random key (PostgreSQL: SHA-256 of a random cluster nonce and the user name), and
    /// use the usual iteration count.
    ///
    /// ```
    /// use tusk_proto::auth::ScramSecret;
    ///
    /// let secret = ScramSecret::mock(b"derived from the user name".to_vec(), 4096);
    /// assert_eq!(secret.iterations, 4096);
    /// ```
    #[must_use]
    pub fn mock(salt: Vec<u8>, iterations: u32) -> Self {
        // Matching would need a ClientKey whose SHA-256 is all zeros: no one can find one.
        ScramSecret {
            iterations,
            salt,
            stored_key: [0; KEY_LEN],
            server_key: [0; KEY_LEN],
        }
    }

    /// Reads a secret in PostgreSQL's format,
    /// `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, with salt and keys in
    /// base64.
    ///
    /// ```
    /// use tusk_proto::auth::{ScramError, ScramSecret};
    ///
    /// let secret = ScramSecret::parse(
    ///     "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$\
    ///      WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:\
    ///      wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
    /// )?;
    /// assert_eq!(secret.iterations, 4096);
    /// assert!(ScramSecret::parse("md5b350798a23d7544eb353a6f8dca231c2").is_err());
    /// # Ok::<(), ScramError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Self, ScramError> {
        let rest = text
            .strip_prefix("SCRAM-SHA-256$")
            .ok_or(ScramError::InvalidSecret("does not start with SCRAM-SHA-256$"))?;
        let (params, keys) = rest
            .split_once('$')
            .ok_or(ScramError::InvalidSecret("missing '$' before the keys"))?;
        let (iterations, salt) = params
            .split_once(':')
            .ok_or(ScramError::InvalidSecret("missing ':' after the iteration count"))?;
        let (stored_key, server_key) = keys
            .split_once(':')
            .ok_or(ScramError::InvalidSecret("missing ':' between the keys"))?;

        let iterations = match parse_iterations(iterations) {
            Some(n) if n > 0 => n,
            _ => return Err(ScramError::InvalidSecret("bad iteration count")),
        };
        let salt = BASE64
            .decode(salt)
            .map_err(|_| ScramError::InvalidSecret("salt is not base64"))?;
        Ok(ScramSecret {
            iterations,
            salt,
            stored_key: decode_key(stored_key).ok_or(ScramError::InvalidSecret("bad StoredKey"))?,
            server_key: decode_key(server_key).ok_or(ScramError::InvalidSecret("bad ServerKey"))?,
        })
    }
}

impl fmt::Display for ScramSecret {
    /// PostgreSQL's format: `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SCRAM-SHA-256${}:{}${}:{}",
            self.iterations,
            BASE64.encode(&self.salt),
            BASE64.encode(self.stored_key),
            BASE64.encode(self.server_key)
        )
    }
}

impl fmt::Debug for ScramSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScramSecret")
            .field("iterations", &self.iterations)
            .field("salt", &BASE64.encode(&self.salt))
            .field("stored_key", &"<redacted>")
            .field("server_key", &"<redacted>")
            .finish()
    }
}

impl FromStr for ScramSecret {
    type Err = ScramError;

    /// Same as [`ScramSecret::parse`].
    fn from_str(text: &str) -> Result<Self, ScramError> {
        ScramSecret::parse(text)
    }
}

/// The client side of a SCRAM exchange.
///
/// Build it with the password, the channel binding choice and a fresh random nonce; send
/// [`client_first`](Self::client_first) with [`mechanism`](Self::mechanism) in
/// `SASLInitialResponse`; answer `AuthenticationSASLContinue` with
/// [`handle_server_first`](Self::handle_server_first); check `AuthenticationSASLFinal` with
/// [`handle_server_final`](Self::handle_server_final). Each step may be taken once, in
/// order; after an error every step fails with [`ScramError::OutOfOrder`].
///
/// ```
/// use tusk_proto::auth::{ChannelBinding, ScramClient};
///
/// let mut client = ScramClient::new(b"pencil", ChannelBinding::Unsupported, "rOprNGfwEbeRWgbNEkqO");
/// assert_eq!(client.mechanism(), "SCRAM-SHA-256");
/// assert_eq!(client.client_first(), b"n,,n=,r=rOprNGfwEbeRWgbNEkqO");
/// let client_final = client.handle_server_first(
///     b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
/// )?;
/// assert!(client_final.starts_with(b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p="));
/// # Ok::<(), tusk_proto::auth::ScramError>(())
/// ```
pub struct ScramClient {
    /// The SASLprep'd password; emptied once the keys are derived.
    password: Vec<u8>,
    channel_binding: ChannelBinding,
    nonce: String,
    /// The `n=` value, already escaped (`,` → `=2C`, `=` → `=3D`).
    username: String,
    max_iterations: u32,
    state: ClientState,
}

enum ClientState {
    AwaitingServerFirst,
    AwaitingServerFinal { server_signature: [u8; KEY_LEN] },
    Done,
    Failed,
}

impl ScramClient {
    /// Starts an exchange.
    ///
    /// `password` is normalized with SASLprep, or used as it is where SASLprep does not
    /// apply (as libpq does). `nonce` must be fresh and random for each exchange, from
    /// [`generate_nonce`] for instance; a nonce with characters SCRAM does not allow
    /// (anything but printable ASCII other than `,`) is base64-encoded first, and an empty
    /// nonce makes the exchange fail with [`ScramError::InvalidNonce`].
    ///
    /// ```
    /// use tusk_proto::auth::{ChannelBinding, ScramClient};
    ///
    /// let client = ScramClient::new(b"pw", ChannelBinding::NotUsed, "fyko+d2lbbFgONRv9qkxdawL");
    /// assert_eq!(client.client_first(), b"y,,n=,r=fyko+d2lbbFgONRv9qkxdawL");
    /// ```
    #[must_use]
    pub fn new(password: &[u8], channel_binding: ChannelBinding, nonce: &str) -> ScramClient {
        ScramClient {
            password: saslprep(password).into_owned(),
            channel_binding,
            nonce: own_nonce(nonce),
            username: String::new(),
            max_iterations: DEFAULT_MAX_ITERATIONS,
            state: ClientState::AwaitingServerFirst,
        }
    }

    /// Sets the user name sent in client-first (`n=`). PostgreSQL ignores it and libpq
    /// sends it empty, which is the default; other SCRAM servers need it. `,` and `=` are
    /// escaped as RFC 5802 says; no SASLprep is applied to it.
    ///
    /// ```
    /// use tusk_proto::auth::{ChannelBinding, ScramClient};
    ///
    /// let client = ScramClient::new(b"pw", ChannelBinding::Unsupported, "abc")
    ///     .with_username("a,b=c");
    /// assert_eq!(client.client_first(), b"n,,n=a=2Cb=3Dc,r=abc");
    /// ```
    #[must_use]
    pub fn with_username(mut self, username: &str) -> ScramClient {
        self.username = username.replace('=', "=3D").replace(',', "=2C");
        self
    }

    /// Sets the largest iteration count the client accepts from the server (default
    /// [`DEFAULT_MAX_ITERATIONS`]). A larger count fails with
    /// [`ScramError::IterationCount`] before any hashing, so a hostile server cannot make
    /// the client burn CPU.
    ///
    /// ```
    /// use tusk_proto::auth::{ChannelBinding, ScramClient, ScramError};
    ///
    /// let mut client = ScramClient::new(b"pw", ChannelBinding::Unsupported, "abc")
    ///     .with_max_iterations(1000);
    /// assert_eq!(
    ///     client.handle_server_first(b"r=abcdef,s=c2FsdA==,i=4096"),
    ///     Err(ScramError::IterationCount(4096)),
    /// );
    /// ```
    #[must_use]
    pub fn with_max_iterations(mut self, max_iterations: u32) -> ScramClient {
        self.max_iterations = max_iterations;
        self
    }

    /// The SASL mechanism to name in `SASLInitialResponse`: SCRAM-SHA-256-PLUS when binding
    /// to the channel, SCRAM-SHA-256 otherwise.
    ///
    /// ```
    /// use tusk_proto::auth::{ChannelBinding, ScramClient};
    ///
    /// let client = ScramClient::new(b"pw", ChannelBinding::NotUsed, "abc");
    /// assert_eq!(client.mechanism(), "SCRAM-SHA-256");
    /// ```
    #[must_use]
    pub fn mechanism(&self) -> &'static str {
        self.channel_binding.mechanism()
    }

    /// The client-first message, the data of `SASLInitialResponse`:
    /// GS2 header, then `n=<user>,r=<nonce>`.
    ///
    /// ```
    /// use tusk_proto::auth::{ChannelBinding, ScramClient};
    ///
    /// let client = ScramClient::new(b"pw", ChannelBinding::Unsupported, "abc");
    /// assert_eq!(client.client_first(), b"n,,n=,r=abc");
    /// ```
    #[must_use]
    pub fn client_first(&self) -> Vec<u8> {
        let mut message = self.channel_binding.gs2_header().to_owned();
        message.push_str(&self.client_first_bare());
        message.into_bytes()
    }

    /// Takes the server-first message (the data of `AuthenticationSASLContinue`) and
    /// returns the client-final message to send in `SASLResponse`.
    ///
    /// Checks that the server's nonce extends ours, that the salt is base64 and that the
    /// iteration count is between 1 and the maximum, then derives the keys (the slow
    /// part: `iterations` rounds of HMAC-SHA-256).
    ///
    /// ```
    /// use tusk_proto::auth::{ChannelBinding, ScramClient, ScramError};
    ///
    /// let mut client = ScramClient::new(b"pw", ChannelBinding::Unsupported, "abc");
    /// assert_eq!(
    ///     client.handle_server_first(b"r=abc,s=c2FsdA==,i=4096"),
    ///     Err(ScramError::NonceMismatch), // the server added nothing to our nonce
    /// );
    /// ```
    pub fn handle_server_first(&mut self, data: &[u8]) -> Result<Vec<u8>, ScramError> {
        if !matches!(self.state, ClientState::AwaitingServerFirst) {
            return Err(ScramError::OutOfOrder);
        }
        // Whatever happens, the password is no longer needed after this step.
        let password = std::mem::take(&mut self.password);
        match self.client_final(&password, data) {
            Ok((client_final, server_signature)) => {
                self.state = ClientState::AwaitingServerFinal { server_signature };
                Ok(client_final)
            }
            Err(err) => {
                self.state = ClientState::Failed;
                Err(err)
            }
        }
    }

    /// Takes the server-final message (the data of `AuthenticationSASLFinal`) and checks
    /// the server's signature, in constant time. An `e=` message fails with
    /// [`ScramError::ServerError`].
    ///
    /// ```
    /// use tusk_proto::auth::{ChannelBinding, ScramClient, ScramError};
    ///
    /// let mut client = ScramClient::new(b"pw", ChannelBinding::Unsupported, "abc");
    /// client.handle_server_first(b"r=abcdef,s=c2FsdA==,i=1")?;
    /// assert_eq!(
    ///     client.handle_server_final(b"e=invalid-proof"),
    ///     Err(ScramError::ServerError("invalid-proof".into())),
    /// );
    /// # Ok::<(), ScramError>(())
    /// ```
    pub fn handle_server_final(&mut self, data: &[u8]) -> Result<(), ScramError> {
        let ClientState::AwaitingServerFinal { server_signature } = self.state else {
            return Err(ScramError::OutOfOrder);
        };
        let result = check_server_final(&server_signature, data);
        self.state = match result {
            Ok(()) => ClientState::Done,
            Err(_) => ClientState::Failed,
        };
        result
    }

    /// Whether the exchange has completed: the server proved it knows the secret. Until
    /// then, a driver must not accept `AuthenticationOk`.
    ///
    /// ```
    /// use tusk_proto::auth::{ChannelBinding, ScramClient};
    ///
    /// let client = ScramClient::new(b"pw", ChannelBinding::Unsupported, "abc");
    /// assert!(!client.is_done());
    /// ```
    #[must_use]
    pub fn is_done(&self) -> bool {
        matches!(self.state, ClientState::Done)
    }

    fn client_first_bare(&self) -> String {
        format!("n={},r={}", self.username, self.nonce)
    }

    /// Parses server-first and computes client-final and the server signature to expect.
    fn client_final(&self, password: &[u8], data: &[u8]) -> Result<(Vec<u8>, [u8; KEY_LEN]), ScramError> {
        if self.nonce.is_empty() {
            return Err(ScramError::InvalidNonce);
        }
        let server_first = message_text(data, "server-first-message is not UTF-8")?;
        let attributes = split_attributes(server_first)?;
        if let Some((b'm', _)) = attributes.first() {
            return Err(ScramError::Unsupported("mandatory extension in server-first"));
        }
        let nonce = expect_attribute(&attributes, 0, b'r', "server-first lacks r=")?;
        let salt = expect_attribute(&attributes, 1, b's', "server-first lacks s=")?;
        let iterations = expect_attribute(&attributes, 2, b'i', "server-first lacks i=")?;
        // Anything after i= is an optional extension, which RFC 5802 says to ignore.

        if !is_valid_nonce(nonce) {
            return Err(ScramError::InvalidNonce);
        }
        if !nonce.starts_with(&self.nonce) || nonce.len() <= self.nonce.len() {
            return Err(ScramError::NonceMismatch);
        }
        let salt = BASE64
            .decode(salt)
            .map_err(|_| ScramError::Malformed("salt is not valid base64"))?;
        let iterations =
            parse_iterations(iterations).ok_or(ScramError::Malformed("iteration count is not a number"))?;
        if iterations == 0 || iterations > self.max_iterations {
            return Err(ScramError::IterationCount(iterations));
        }

        let keys = Keys::derive(password, &salt, iterations);
        let without_proof = format!("c={},r={}", BASE64.encode(self.channel_binding.cbind_input()), nonce);
        let auth_message = format!("{},{},{}", self.client_first_bare(), server_first, without_proof);
        let client_signature = hmac(&keys.stored_key, auth_message.as_bytes());
        let proof = xor(&keys.client_key, &client_signature);
        let server_signature = hmac(&keys.server_key, auth_message.as_bytes());
        let client_final = format!("{without_proof},p={}", BASE64.encode(proof));
        Ok((client_final.into_bytes(), server_signature))
    }
}

impl fmt::Debug for ScramClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            ClientState::AwaitingServerFirst => "AwaitingServerFirst",
            ClientState::AwaitingServerFinal { .. } => "AwaitingServerFinal",
            ClientState::Done => "Done",
            ClientState::Failed => "Failed",
        };
        f.debug_struct("ScramClient")
            .field("mechanism", &self.mechanism())
            .field("nonce", &self.nonce)
            .field("state", &state)
            .finish_non_exhaustive()
    }
}

/// Checks server-final against the signature we computed.
fn check_server_final(expected: &[u8; KEY_LEN], data: &[u8]) -> Result<(), ScramError> {
    let text = message_text(data, "server-final-message is not UTF-8")?;
    let attributes = split_attributes(text)?;
    match attributes.first() {
        Some((b'e', error)) => Err(ScramError::ServerError((*error).to_owned())),
        Some((b'v', signature)) => {
            let signature = BASE64
                .decode(signature)
                .map_err(|_| ScramError::Malformed("server signature is not valid base64"))?;
            if constant_time_eq(&signature, expected) {
                Ok(())
            } else {
                Err(ScramError::InvalidServerSignature)
            }
        }
        _ => Err(ScramError::Malformed("server-final-message has neither v= nor e=")),
    }
}

/// The server side of a SCRAM exchange.
///
/// Build it from the user's stored secret and a fresh random nonce; offer
/// [`mechanisms`](Self::mechanisms) in `AuthenticationSASL`; answer `SASLInitialResponse`
/// with [`handle_client_first`](Self::handle_client_first) (send the result in
/// `AuthenticationSASLContinue`) and `SASLResponse` with
/// [`handle_client_final`](Self::handle_client_final) (send the result in
/// `AuthenticationSASLFinal`, then `AuthenticationOk`). On
/// [`ScramError::InvalidProof`], answer as PostgreSQL does: an `ErrorResponse` with
/// SQLSTATE 28P01, "password authentication failed for user …".
///
/// ```
/// use tusk_proto::auth::{ScramSecret, ScramServer, ServerChannelBinding, SCRAM_SHA_256};
///
/// let secret = ScramSecret::new(b"pencil", b"salt", 4096)?;
/// let mut server = ScramServer::new(secret, "server-part", ServerChannelBinding::None);
/// assert_eq!(server.mechanisms(), ["SCRAM-SHA-256"]);
/// let server_first = server.handle_client_first(SCRAM_SHA_256, b"n,,n=,r=client-part")?;
/// assert_eq!(server_first, b"r=client-partserver-part,s=c2FsdA==,i=4096");
/// # Ok::<(), tusk_proto::auth::ScramError>(())
/// ```
pub struct ScramServer {
    secret: ScramSecret,
    nonce: String,
    channel_binding: ServerChannelBinding,
    state: ServerState,
}

enum ServerState {
    AwaitingClientFirst,
    AwaitingClientFinal(Box<Exchange>),
    Done,
    Failed,
}

/// What the server remembers between its two messages.
struct Exchange {
    /// The GS2 header as the client sent it, followed by our certificate hash if the
    /// client binds: what `c=` must decode to.
    cbind_input: Vec<u8>,
    /// Client nonce followed by server nonce.
    nonce: String,
    client_first_bare: String,
    server_first: String,
}

impl ScramServer {
    /// Prepares an exchange for a user whose secret is `secret` (use
    /// [`ScramSecret::mock`] for a user that does not exist).
    ///
    /// `server_nonce` must be fresh and random for each exchange, from [`generate_nonce`]
    /// for instance; it is appended to the client's nonce. One with characters SCRAM does
    /// not allow is base64-encoded first; an empty one makes the exchange fail with
    /// [`ScramError::InvalidNonce`].
    ///
    /// ```
    /// use tusk_proto::auth::{generate_nonce, ScramSecret, ScramServer, ServerChannelBinding};
    ///
    /// let secret = ScramSecret::parse(
    ///     "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$\
    ///      WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:\
    ///      wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
    /// )?;
    /// let server = ScramServer::new(secret, &generate_nonce(&[42; 18]), ServerChannelBinding::None);
    /// assert!(!server.is_done());
    /// # Ok::<(), tusk_proto::auth::ScramError>(())
    /// ```
    #[must_use]
    pub fn new(secret: ScramSecret, server_nonce: &str, channel_binding: ServerChannelBinding) -> ScramServer {
        ScramServer {
            secret,
            nonce: own_nonce(server_nonce),
            channel_binding,
            state: ServerState::AwaitingClientFirst,
        }
    }

    /// The mechanisms to list in `AuthenticationSASL`, preferred first (as PostgreSQL
    /// orders them): SCRAM-SHA-256-PLUS, when the server can bind to its TLS channel, and
    /// SCRAM-SHA-256.
    ///
    /// ```
    /// use tusk_proto::auth::{ScramSecret, ScramServer, ServerChannelBinding};
    ///
    /// let server = ScramServer::new(ScramSecret::mock(vec![1; 16], 4096), "n", ServerChannelBinding::None);
    /// assert_eq!(server.mechanisms(), ["SCRAM-SHA-256"]);
    /// ```
    #[must_use]
    pub fn mechanisms(&self) -> &'static [&'static str] {
        match self.channel_binding {
            ServerChannelBinding::None => &[SCRAM_SHA_256],
            ServerChannelBinding::TlsServerEndPoint(_) => &[SCRAM_SHA_256_PLUS, SCRAM_SHA_256],
        }
    }

    /// Takes the mechanism and data of `SASLInitialResponse` and returns server-first, to
    /// send in `AuthenticationSASLContinue`.
    ///
    /// Refuses a mechanism we did not offer, an authorization identity, mandatory
    /// extensions, a channel binding flag that does not fit the mechanism, and `y` (the
    /// client could bind but thinks we cannot) when we offered SCRAM-SHA-256-PLUS: someone
    /// removed it from the offer on the way.
    ///
    /// ```
    /// use tusk_proto::auth::{ScramError, ScramSecret, ScramServer, ServerChannelBinding};
    ///
    /// let secret = ScramSecret::mock(vec![1; 16], 4096);
    /// let mut server = ScramServer::new(secret, "s", ServerChannelBinding::TlsServerEndPoint(vec![0; 32]));
    /// assert!(matches!(
    ///     server.handle_client_first("SCRAM-SHA-256", b"y,,n=,r=c"),
    ///     Err(ScramError::ChannelBinding(_)),
    /// ));
    /// ```
    pub fn handle_client_first(&mut self, mechanism: &str, data: &[u8]) -> Result<Vec<u8>, ScramError> {
        if !matches!(self.state, ServerState::AwaitingClientFirst) {
            return Err(ScramError::OutOfOrder);
        }
        match self.server_first(mechanism, data) {
            Ok(exchange) => {
                let server_first = exchange.server_first.clone().into_bytes();
                self.state = ServerState::AwaitingClientFinal(Box::new(exchange));
                Ok(server_first)
            }
            Err(err) => {
                self.state = ServerState::Failed;
                Err(err)
            }
        }
    }

    /// Takes the data of `SASLResponse` (client-final) and, if the client's proof is
    /// right, returns server-final (`v=<ServerSignature>`) to send in
    /// `AuthenticationSASLFinal`. The proof is checked in constant time; a wrong one fails
    /// with [`ScramError::InvalidProof`], and channel binding data other than ours with
    /// [`ScramError::ChannelBinding`].
    ///
    /// ```
    /// use tusk_proto::auth::{ScramError, ScramSecret, ScramServer, ServerChannelBinding};
    ///
    /// let mut server = ScramServer::new(ScramSecret::mock(vec![1; 16], 4096), "s", ServerChannelBinding::None);
    /// // Nothing to check before client-first.
    /// assert_eq!(server.handle_client_final(b"c=biws,r=cs,p=AAAA"), Err(ScramError::OutOfOrder));
    /// ```
    pub fn handle_client_final(&mut self, data: &[u8]) -> Result<Vec<u8>, ScramError> {
        let state = std::mem::replace(&mut self.state, ServerState::Failed);
        let ServerState::AwaitingClientFinal(exchange) = state else {
            // Put back a finished or failed state as it was; an early call fails too.
            self.state = match state {
                ServerState::Done => ServerState::Done,
                _ => ServerState::Failed,
            };
            return Err(ScramError::OutOfOrder);
        };
        let server_final = self.server_final(&exchange, data)?;
        self.state = ServerState::Done;
        Ok(server_final)
    }

    /// Whether the client has proved it knows the password.
    ///
    /// ```
    /// use tusk_proto::auth::{ScramSecret, ScramServer, ServerChannelBinding};
    ///
    /// let server = ScramServer::new(ScramSecret::mock(vec![1; 16], 4096), "s", ServerChannelBinding::None);
    /// assert!(!server.is_done());
    /// ```
    #[must_use]
    pub fn is_done(&self) -> bool {
        matches!(self.state, ServerState::Done)
    }

    /// Parses client-first and builds server-first.
    fn server_first(&self, mechanism: &str, data: &[u8]) -> Result<Exchange, ScramError> {
        if self.nonce.is_empty() {
            return Err(ScramError::InvalidNonce);
        }
        if self.secret.iterations == 0 {
            return Err(ScramError::IterationCount(0));
        }
        let offers_plus = matches!(self.channel_binding, ServerChannelBinding::TlsServerEndPoint(_));
        let plus = match mechanism {
            SCRAM_SHA_256 => false,
            SCRAM_SHA_256_PLUS if offers_plus => true,
            _ => return Err(ScramError::UnsupportedMechanism(mechanism.to_owned())),
        };

        let client_first = message_text(data, "client-first-message is not UTF-8")?;
        let (flag, rest) = client_first
            .split_once(',')
            .ok_or(ScramError::Malformed("client-first lacks a GS2 header"))?;
        let (authzid, bare) = rest
            .split_once(',')
            .ok_or(ScramError::Malformed("client-first lacks a GS2 header"))?;
        // `bare` is a suffix of `client_first` (split_once returned it), so this cannot
        // underflow: what precedes it is the GS2 header, as the client sent it.
        let header_len = client_first.len() - bare.len();
        let mut cbind_input = client_first.as_bytes()[..header_len].to_vec();
        match flag {
            "n" | "y" if plus => {
                return Err(ScramError::ChannelBinding(
                    "the client chose SCRAM-SHA-256-PLUS but sent no channel binding",
                ));
            }
            "n" => {}
            "y" if offers_plus => {
                return Err(ScramError::ChannelBinding(
                    "the client supports channel binding but thinks the server does not: \
                     SCRAM-SHA-256-PLUS was removed from the offer (downgrade attack?)",
                ));
            }
            "y" => {}
            _ => match flag.strip_prefix("p=") {
                Some(_) if !plus => {
                    return Err(ScramError::ChannelBinding(
                        "the client chose SCRAM-SHA-256 but sent channel binding",
                    ));
                }
                Some(TLS_SERVER_END_POINT) => {
                    if let ServerChannelBinding::TlsServerEndPoint(hash) = &self.channel_binding {
                        cbind_input.extend_from_slice(hash);
                    }
                }
                Some(_) => {
                    return Err(ScramError::ChannelBinding("unsupported channel binding type"));
                }
                None => return Err(ScramError::Malformed("bad GS2 channel binding flag")),
            },
        }
        if !authzid.is_empty() {
            return Err(if authzid.starts_with("a=") {
                ScramError::Unsupported("authorization identity")
            } else {
                ScramError::Malformed("bad GS2 authorization identity")
            });
        }

        let attributes = split_attributes(bare)?;
        if let Some((b'm', _)) = attributes.first() {
            return Err(ScramError::Unsupported("mandatory extension in client-first"));
        }
        // PostgreSQL ignores the user name: it comes from the startup packet.
        expect_attribute(&attributes, 0, b'n', "client-first lacks n=")?;
        let client_nonce = expect_attribute(&attributes, 1, b'r', "client-first lacks r=")?;
        if !is_valid_nonce(client_nonce) {
            return Err(ScramError::InvalidNonce);
        }

        let nonce = format!("{client_nonce}{}", self.nonce);
        let server_first = format!(
            "r={nonce},s={},i={}",
            BASE64.encode(&self.secret.salt),
            self.secret.iterations
        );
        Ok(Exchange {
            cbind_input,
            nonce,
            client_first_bare: bare.to_owned(),
            server_first,
        })
    }

    /// Parses client-final, checks it and the proof, and builds server-final.
    fn server_final(&self, exchange: &Exchange, data: &[u8]) -> Result<Vec<u8>, ScramError> {
        let client_final = message_text(data, "client-final-message is not UTF-8")?;
        let attributes = split_attributes(client_final)?;
        let cbind = expect_attribute(&attributes, 0, b'c', "client-final lacks c=")?;
        let nonce = expect_attribute(&attributes, 1, b'r', "client-final lacks r=")?;
        let proof_text = match attributes.as_slice() {
            [_, _, .., (b'p', proof)] => *proof,
            _ => return Err(ScramError::Malformed("client-final does not end with p=")),
        };
        // `,p=<proof>` ends the message: what precedes it is client-final-without-proof.
        let without_proof = client_final
            .strip_suffix(proof_text)
            .and_then(|rest| rest.strip_suffix(",p="))
            .ok_or(ScramError::Malformed("client-final does not end with p="))?;

        let cbind = BASE64
            .decode(cbind)
            .map_err(|_| ScramError::Malformed("channel binding is not valid base64"))?;
        if !constant_time_eq(&cbind, &exchange.cbind_input) {
            return Err(ScramError::ChannelBinding(
                "the client's channel binding data does not match the server's",
            ));
        }
        if nonce != exchange.nonce {
            return Err(ScramError::NonceMismatch);
        }
        let proof: [u8; KEY_LEN] = BASE64
            .decode(proof_text)
            .map_err(|_| ScramError::Malformed("proof is not valid base64"))?
            .try_into()
            .map_err(|_| ScramError::Malformed("proof has the wrong length"))?;

        let auth_message = format!(
            "{},{},{}",
            exchange.client_first_bare, exchange.server_first, without_proof
        );
        let client_signature = hmac(&self.secret.stored_key, auth_message.as_bytes());
        let client_key = xor(&proof, &client_signature);
        let stored_key = Sha256::digest(client_key);
        if !constant_time_eq(&stored_key, &self.secret.stored_key) {
            return Err(ScramError::InvalidProof);
        }
        let server_signature = hmac(&self.secret.server_key, auth_message.as_bytes());
        Ok(format!("v={}", BASE64.encode(server_signature)).into_bytes())
    }
}

impl fmt::Debug for ScramServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            ServerState::AwaitingClientFirst => "AwaitingClientFirst",
            ServerState::AwaitingClientFinal(_) => "AwaitingClientFinal",
            ServerState::Done => "Done",
            ServerState::Failed => "Failed",
        };
        f.debug_struct("ScramServer")
            .field("secret", &self.secret)
            .field("nonce", &self.nonce)
            .field("channel_binding", &self.channel_binding)
            .field("state", &state)
            .finish()
    }
}

/// The keys derived from a password.
struct Keys {
    client_key: [u8; KEY_LEN],
    stored_key: [u8; KEY_LEN],
    server_key: [u8; KEY_LEN],
}

impl Keys {
    /// `password` must already have gone through SASLprep.
    fn derive(password: &[u8], salt: &[u8], iterations: u32) -> Keys {
        // PBKDF2 only fails when the PRF rejects the password as a key, and HMAC takes
        // keys of any length, so this cannot fail.
        let salted_password = pbkdf2::pbkdf2_array::<HmacSha256, KEY_LEN>(password, salt, iterations)
            .expect("HMAC accepts keys of any length");
        let client_key = hmac(&salted_password, b"Client Key");
        Keys {
            client_key,
            stored_key: Sha256::digest(client_key).into(),
            server_key: hmac(&salted_password, b"Server Key"),
        }
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; KEY_LEN] {
    // HMAC hashes long keys and pads short ones: every key length is valid.
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn xor(a: &[u8; KEY_LEN], b: &[u8; KEY_LEN]) -> [u8; KEY_LEN] {
    std::array::from_fn(|i| a[i] ^ b[i])
}

/// SCRAM messages are UTF-8 text.
fn message_text<'a>(data: &'a [u8], what: &'static str) -> Result<&'a str, ScramError> {
    std::str::from_utf8(data).map_err(|_| ScramError::Malformed(what))
}

/// Splits `a=value,b=value,…` into (attribute letter, value) pairs. No value may contain
/// a comma (user names escape theirs), so splitting at commas is exact.
fn split_attributes(message: &str) -> Result<Vec<(u8, &str)>, ScramError> {
    message
        .split(',')
        .map(|part| match part.as_bytes() {
            [name, b'=', ..] if name.is_ascii_alphabetic() => Ok((*name, &part[2..])),
            _ => Err(ScramError::Malformed("expected attribute=value")),
        })
        .collect()
}

/// The value of the attribute at `index`, which must be `name`.
fn expect_attribute<'a>(
    attributes: &[(u8, &'a str)],
    index: usize,
    name: u8,
    missing: &'static str,
) -> Result<&'a str, ScramError> {
    match attributes.get(index) {
        Some((found, value)) if *found == name => Ok(value),
        _ => Err(ScramError::Malformed(missing)),
    }
}

/// RFC 5802: `printable = %x21-2B / %x2D-7E`, at least one.
fn is_valid_nonce(nonce: &str) -> bool {
    !nonce.is_empty() && nonce.bytes().all(is_nonce_byte)
}

fn is_nonce_byte(byte: u8) -> bool {
    (0x21..=0x7e).contains(&byte) && byte != b','
}

/// Our own nonce as we will send it: as given when valid, base64-encoded otherwise so
/// that any random string works.
fn own_nonce(nonce: &str) -> String {
    if nonce.bytes().all(is_nonce_byte) {
        nonce.to_owned()
    } else {
        generate_nonce(nonce.as_bytes())
    }
}

/// Parses an iteration count: decimal digits only. Counts beyond `u32::MAX` saturate, so
/// that they are reported as too large rather than as garbage.
fn parse_iterations(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.parse::<u32>().unwrap_or(u32::MAX))
}

fn decode_key(text: &str) -> Option<[u8; KEY_LEN]> {
    BASE64.decode(text).ok()?.try_into().ok()
}

#[cfg(test)]
mod tests;
