//! `require_auth`: which authentication methods the client agrees to use.
//!
//! # Why a client should care
//!
//! In PostgreSQL the *server* chooses how a client authenticates (its `pg_hba.conf`
//! decides), and a client that simply does what it is asked can be talked into
//! anything: a server that was misconfigured, or a machine that merely answers on the
//! server's port, can ask for the password in cleartext and read it. libpq 16 added the
//! `require_auth` connection parameter so that the client decides what it accepts; tusk
//! implements it with the same syntax and meaning.
//!
//! # Syntax
//!
//! A comma-separated list of method names, or a list of negated names (`!md5`), never
//! both:
//!
//! | name            | the server asked for…                                   |
//! |-----------------|---------------------------------------------------------|
//! | `password`      | the password in cleartext (pg_hba method `password`)    |
//! | `md5`           | an MD5 hash of the password (method `md5`)              |
//! | `scram-sha-256` | a SCRAM-SHA-256 exchange, with or without channel binding |
//! | `gss`, `sspi`   | Kerberos through GSSAPI or SSPI                         |
//! | `oauth`         | an OAuth bearer token (libpq 18)                        |
//! | `none`          | nothing: the server let the client in unauthenticated   |
//!
//! - A plain list allows exactly the methods listed. Unless it contains `none`, the
//!   server must also *complete* one of them: a server that answers
//!   AuthenticationOk without having asked for anything (a `trust` rule) is refused.
//! - A negated list allows every method except those listed. `!none` refuses a server
//!   that lets the client in without authentication.
//! - Not set (or empty): any method, and no authentication at all, is accepted.
//!
//! ```
//! use tusk::require_auth::{Method, RequireAuth};
//!
//! let only_scram: RequireAuth = "scram-sha-256".parse()?;
//! assert!(only_scram.allows(Method::ScramSha256));
//! assert!(!only_scram.allows(Method::Md5));
//! assert!(!only_scram.allows_no_authentication());
//!
//! let no_cleartext: RequireAuth = "!password".parse()?;
//! assert!(no_cleartext.allows(Method::Md5));
//! assert!(!no_cleartext.allows(Method::Password));
//! assert!(no_cleartext.allows_no_authentication());
//!
//! assert!("md5,!password".parse::<RequireAuth>().is_err()); // mixed
//! # Ok::<(), tusk::config::ConfigError>(())
//! ```
//!
//! # When the checks happen
//!
//! Each authentication request of the server is checked *before* tusk answers it, so a
//! refused method never receives a password, a hash or a SCRAM message: the connection
//! fails with an [`ErrorKind::Auth`] error that names the method
//! the server asked for and the methods allowed. When the server finally sends
//! AuthenticationOk, tusk checks that an allowed method was completed (libpq's "server
//! did not complete authentication"). [`Connection::auth_method`](crate::Connection::auth_method)
//! tells which method the session used.
//!
//! # tusk's secure default for cleartext passwords
//!
//! tusk goes one step beyond libpq: it never sends a cleartext password over a TCP
//! connection that is not encrypted, unless `require_auth` names `password` explicitly
//! (a negated list such as `!md5` allows the method but does not count as asking for
//! it). Unix-domain sockets and TLS connections are fine: nobody on the network can
//! read them. MD5 and SCRAM never put the password itself on the wire and are not
//! affected (MD5 logs a deprecation warning).
//!
//! ```
//! use tusk::require_auth::{Method, RequireAuth};
//!
//! let default = RequireAuth::default();
//! assert!(default.allows(Method::Password)); // libpq would send it anywhere…
//! assert!(!default.names(Method::Password)); // …tusk only over a socket or TLS
//! let explicit: RequireAuth = "password".parse()?;
//! assert!(explicit.names(Method::Password)); // anywhere, as asked
//! # Ok::<(), tusk::config::ConfigError>(())
//! ```

use crate::config::ConfigError;
use crate::connection::AuthMethod;
use crate::error::{Error, ErrorKind};
use std::fmt;
use std::str::FromStr;
use tusk_proto::backend::Authentication;

/// An authentication method a server can ask for, by its `require_auth` name.
///
/// ```
/// use tusk::require_auth::Method;
///
/// assert_eq!(Method::ScramSha256.name(), "scram-sha-256");
/// assert_eq!(Method::from_name("md5"), Some(Method::Md5));
/// assert_eq!(Method::from_name("none"), None); // "none" is not a method
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// `password`: the password in cleartext.
    Password,
    /// `md5`: an MD5 hash of the password and a salt.
    Md5,
    /// `gss`: Kerberos through GSSAPI.
    Gss,
    /// `sspi`: Kerberos through Windows SSPI.
    Sspi,
    /// `scram-sha-256`: SCRAM-SHA-256 (and SCRAM-SHA-256-PLUS).
    ScramSha256,
    /// `oauth`: an OAuth bearer token.
    OAuth,
}

impl Method {
    /// Every method, in the order messages list them.
    ///
    /// ```
    /// assert_eq!(tusk::require_auth::Method::ALL.len(), 6);
    /// ```
    pub const ALL: [Method; 6] = [
        Method::Password,
        Method::Md5,
        Method::Gss,
        Method::Sspi,
        Method::ScramSha256,
        Method::OAuth,
    ];

    /// The name `require_auth` uses.
    ///
    /// ```
    /// assert_eq!(tusk::require_auth::Method::Password.name(), "password");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Method::Password => "password",
            Method::Md5 => "md5",
            Method::Gss => "gss",
            Method::Sspi => "sspi",
            Method::ScramSha256 => "scram-sha-256",
            Method::OAuth => "oauth",
        }
    }

    /// The method named `name` in a `require_auth` list (`None` for anything else,
    /// including `none`).
    ///
    /// ```
    /// use tusk::require_auth::Method;
    /// assert_eq!(Method::from_name("scram-sha-256"), Some(Method::ScramSha256));
    /// assert_eq!(Method::from_name("SCRAM-SHA-256"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.name() == name)
    }

    /// What the server asks the client for with this method, in words.
    fn request(self) -> &'static str {
        match self {
            Method::Password => "a cleartext password",
            Method::Md5 => "an MD5-hashed password",
            Method::Gss => "GSSAPI authentication",
            Method::Sspi => "SSPI authentication",
            Method::ScramSha256 => "SASL authentication",
            Method::OAuth => "OAuth bearer authentication",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }

    /// The `require_auth` method a session's [`AuthMethod`] belongs to (`None` for
    /// [`AuthMethod::None`]).
    fn of_session(method: AuthMethod) -> Option<Method> {
        match method.name() {
            "none" => None,
            // SCRAM-SHA-256-PLUS is SCRAM-SHA-256 with channel binding: same method.
            name if name.starts_with("scram-sha-256") => Some(Method::ScramSha256),
            name => Method::from_name(name),
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Every method's bit.
const ALL_BITS: u8 = (1 << Method::ALL.len()) - 1;

/// The value of `require_auth`, parsed: which methods the client accepts.
///
/// Get it from a configuration with
/// [`Config::get_require_auth`](crate::Config::get_require_auth), or parse the text.
/// The default accepts everything, as libpq does when the parameter is not set.
///
/// ```
/// use tusk::require_auth::{Method, RequireAuth};
///
/// let config = tusk::Config::parse("require_auth=scram-sha-256,none")?;
/// let require = config.get_require_auth();
/// assert_eq!(require, "scram-sha-256,none".parse::<RequireAuth>()?);
/// assert!(require.allows(Method::ScramSha256));
/// assert!(require.allows_no_authentication());
/// assert_eq!(require.allowed_names(), ["scram-sha-256", "none"]);
/// assert_eq!(require.to_string(), "scram-sha-256,none");
/// # Ok::<(), tusk::config::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequireAuth {
    /// One bit per [`Method`] the server may use.
    allowed: u8,
    /// Whether the server may skip authentication altogether.
    none_allowed: bool,
    /// Methods listed without `!` (asked for explicitly).
    named: u8,
    /// The value as written, for messages (empty when not set).
    text: String,
}

impl Default for RequireAuth {
    /// Everything allowed: `require_auth` not set.
    ///
    /// ```
    /// let any = tusk::require_auth::RequireAuth::default();
    /// assert!(!any.is_set());
    /// assert!(any.allows_no_authentication());
    /// ```
    fn default() -> RequireAuth {
        RequireAuth {
            allowed: ALL_BITS,
            none_allowed: true,
            named: 0,
            text: String::new(),
        }
    }
}

/// Every name a `require_auth` list may hold.
const NAMES: &[&str] = &["password", "md5", "gss", "sspi", "scram-sha-256", "oauth", "none"];

impl RequireAuth {
    /// Parses a `require_auth` value (see the [module docs](self)). An empty value is
    /// the default (everything allowed). Errors name the `require_auth` parameter.
    ///
    /// ```
    /// use tusk::require_auth::RequireAuth;
    ///
    /// assert!(RequireAuth::parse("md5,scram-sha-256").is_ok());
    /// assert!(RequireAuth::parse("!password,!md5").is_ok());
    /// let e = RequireAuth::parse("kerberos").unwrap_err();
    /// assert_eq!(e.key(), Some("require_auth"));
    /// assert!(RequireAuth::parse("md5,md5").unwrap_err().to_string().contains("more than once"));
    /// ```
    pub fn parse(value: &str) -> Result<RequireAuth, ConfigError> {
        if value.is_empty() {
            return Ok(RequireAuth::default());
        }
        let mut listed: Vec<&str> = Vec::new();
        let mut negated: Option<bool> = None;
        for item in value.split(',') {
            let (neg, name) = match item.strip_prefix('!') {
                Some(name) => (true, name),
                None => (false, item),
            };
            if !NAMES.contains(&name) {
                return Err(ConfigError::for_key(
                    "require_auth",
                    format!(
                        "invalid require_auth value \"{item}\" (expected a list of: {})",
                        NAMES.join(", ")
                    ),
                ));
            }
            if negated.is_some_and(|n| n != neg) {
                let message = if neg {
                    format!("negative require_auth method \"{item}\" cannot be mixed with non-negative methods")
                } else {
                    format!("require_auth method \"{item}\" cannot be mixed with negative methods")
                };
                return Err(ConfigError::for_key("require_auth", message));
            }
            negated = Some(neg);
            if listed.contains(&name) {
                return Err(ConfigError::for_key(
                    "require_auth",
                    format!("require_auth method \"{name}\" is specified more than once"),
                ));
            }
            listed.push(name);
        }
        let bits = listed
            .iter()
            .filter_map(|name| Method::from_name(name))
            .fold(0, |acc, m| acc | m.bit());
        let lists_none = listed.contains(&"none");
        let text = value.to_string();
        Ok(if negated == Some(true) {
            RequireAuth {
                allowed: ALL_BITS & !bits,
                none_allowed: !lists_none,
                named: 0,
                text,
            }
        } else {
            RequireAuth {
                allowed: bits,
                none_allowed: lists_none,
                named: bits,
                text,
            }
        })
    }

    /// A `RequireAuth` that refuses every method and unauthenticated connections too.
    pub(crate) fn deny_all() -> RequireAuth {
        RequireAuth {
            allowed: 0,
            none_allowed: false,
            named: 0,
            text: "(invalid)".to_string(),
        }
    }

    /// Whether `require_auth` restricts anything (it was set and not empty).
    ///
    /// ```
    /// use tusk::require_auth::RequireAuth;
    /// assert!(!RequireAuth::default().is_set());
    /// assert!(RequireAuth::parse("none")?.is_set());
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn is_set(&self) -> bool {
        !self.text.is_empty()
    }

    /// Whether the server may authenticate the client with `method`.
    ///
    /// ```
    /// use tusk::require_auth::{Method, RequireAuth};
    /// assert!(RequireAuth::parse("!md5")?.allows(Method::ScramSha256));
    /// assert!(!RequireAuth::parse("none")?.allows(Method::ScramSha256));
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn allows(&self, method: Method) -> bool {
        self.allowed & method.bit() != 0
    }

    /// Whether the server may let the client in without any authentication (a `trust`
    /// rule, or `peer`): `none` in a plain list, no `!none` in a negated one.
    ///
    /// ```
    /// use tusk::require_auth::RequireAuth;
    /// assert!(RequireAuth::parse("md5,none")?.allows_no_authentication());
    /// assert!(!RequireAuth::parse("md5")?.allows_no_authentication());
    /// assert!(!RequireAuth::parse("!none")?.allows_no_authentication());
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn allows_no_authentication(&self) -> bool {
        self.none_allowed
    }

    /// Whether `method` is listed explicitly (without `!`). tusk sends a cleartext
    /// password over unencrypted TCP only when `password` is named.
    ///
    /// ```
    /// use tusk::require_auth::{Method, RequireAuth};
    /// assert!(RequireAuth::parse("password,scram-sha-256")?.names(Method::Password));
    /// assert!(!RequireAuth::parse("!md5")?.names(Method::Password));
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn names(&self, method: Method) -> bool {
        self.named & method.bit() != 0
    }

    /// The names of everything allowed, `none` last when unauthenticated connections are.
    ///
    /// ```
    /// use tusk::require_auth::RequireAuth;
    /// assert_eq!(RequireAuth::parse("!password,!md5,!gss,!sspi,!oauth")?.allowed_names(), ["scram-sha-256", "none"]);
    /// assert!(RequireAuth::parse("none")?.allowed_names() == ["none"]);
    /// # Ok::<(), tusk::config::ConfigError>(())
    /// ```
    pub fn allowed_names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = Method::ALL
            .into_iter()
            .filter(|m| self.allows(*m))
            .map(Method::name)
            .collect();
        if self.none_allowed {
            names.push("none");
        }
        names
    }

    /// The allowed set for a message.
    fn allowed_text(&self) -> String {
        let names = self.allowed_names();
        if names.is_empty() {
            "nothing".to_string()
        } else {
            names.join(", ")
        }
    }

    fn refuse(&self, reason: String) -> Error {
        Error::new(
            ErrorKind::Auth,
            format!("authentication method requirement \"{}\" failed: {reason}", self.text),
        )
    }

    /// Refuses `method` unless it is allowed.
    fn check_method(&self, method: Method, detail: &str) -> Result<(), Error> {
        if self.allows(method) {
            return Ok(());
        }
        Err(self.refuse(format!(
            "the server requested {}{detail} ({}), but require_auth allows only: {}; nothing secret was sent",
            method.request(),
            method.name(),
            self.allowed_text()
        )))
    }

    /// Checks one authentication message of the server before the client answers it.
    ///
    /// `used` is the method the client has answered so far ([`AuthMethod::None`] if
    /// none); `private` says whether the transport keeps a cleartext password from the
    /// network (a unix-domain socket, or TLS); `peer` names the server for messages.
    pub(crate) fn check(
        &self,
        request: &Authentication,
        used: AuthMethod,
        private: bool,
        peer: &str,
    ) -> Result<(), Error> {
        match request {
            Authentication::Ok => match Method::of_session(used) {
                None if !self.none_allowed => Err(self.refuse(format!(
                    "server did not complete authentication (it accepted the connection without any \
                     authentication exchange; require_auth allows only: {})",
                    self.allowed_text()
                ))),
                Some(method) if !self.allows(method) => Err(self.refuse(format!(
                    "the server authenticated the client with {method}, which require_auth does not allow"
                ))),
                _ => Ok(()),
            },
            Authentication::CleartextPassword => {
                self.check_method(Method::Password, "")?;
                if private || self.names(Method::Password) {
                    return Ok(());
                }
                Err(Error::new(
                    ErrorKind::Auth,
                    format!(
                        "the server at {peer} requested a cleartext password over an unencrypted TCP connection, \
                         which anyone on the network path could read; tusk refuses to send it (nothing secret \
                         was sent). Connect with TLS (sslmode=require or verify-full) or over a unix-domain \
                         socket, or accept the risk explicitly with require_auth=password"
                    ),
                ))
            }
            Authentication::Md5Password { .. } => self.check_method(Method::Md5, ""),
            Authentication::Sasl { mechanisms } => {
                let offered = format!(" (offered: {})", mechanisms.join(", "));
                if mechanisms.iter().any(|m| m.starts_with("SCRAM-SHA-256")) {
                    self.check_method(Method::ScramSha256, &offered)
                } else if mechanisms.iter().any(|m| m == "OAUTHBEARER") {
                    self.check_method(Method::OAuth, &offered)
                } else {
                    // No mechanism tusk knows: the caller reports that.
                    Ok(())
                }
            }
            Authentication::Gss | Authentication::GssContinue { .. } => self.check_method(Method::Gss, ""),
            Authentication::Sspi => self.check_method(Method::Sspi, ""),
            // Continuations of an exchange already allowed; Kerberos V5 is refused as
            // unsupported by the caller.
            Authentication::SaslContinue { .. } | Authentication::SaslFinal { .. } | Authentication::KerberosV5 => {
                Ok(())
            }
        }
    }
}

impl FromStr for RequireAuth {
    type Err = ConfigError;

    /// Same as [`RequireAuth::parse`].
    fn from_str(s: &str) -> Result<RequireAuth, ConfigError> {
        RequireAuth::parse(s)
    }
}

impl fmt::Display for RequireAuth {
    /// The value as written (empty for the default).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn ra(s: &str) -> RequireAuth {
        RequireAuth::parse(s).unwrap()
    }

    fn sasl(mechs: &[&str]) -> Authentication {
        Authentication::Sasl {
            mechanisms: mechs.iter().map(|m| m.to_string()).collect(),
        }
    }

    const TCP: bool = false;
    const SOCKET: bool = true;

    fn check(r: &RequireAuth, request: &Authentication, used: AuthMethod, private: bool) -> Result<(), String> {
        r.check(request, used, private, "db.example:5432")
            .map_err(|e| e.to_string())
    }

    #[test]
    fn default_allows_everything_including_no_authentication() {
        let r = RequireAuth::default();
        for m in Method::ALL {
            assert!(r.allows(m), "{m}");
            assert!(!r.names(m), "{m}");
        }
        assert!(r.allows_no_authentication());
        assert!(check(&r, &Authentication::Ok, AuthMethod::None, TCP).is_ok());
        assert!(check(&r, &Authentication::Md5Password { salt: [0; 4] }, AuthMethod::None, TCP).is_ok());
        assert_eq!(ra(""), r);
        assert_eq!(r.to_string(), "");
    }

    #[test]
    fn plain_lists_allow_exactly_what_they_name() {
        let r = ra("md5,scram-sha-256");
        assert!(r.allows(Method::Md5) && r.allows(Method::ScramSha256));
        assert!(!r.allows(Method::Password) && !r.allows(Method::Gss) && !r.allows(Method::OAuth));
        assert!(!r.allows_no_authentication());
        assert!(r.names(Method::Md5));
        assert_eq!(r.allowed_names(), ["md5", "scram-sha-256"]);
    }

    #[test]
    fn negated_lists_allow_everything_else() {
        let r = ra("!password,!gss");
        assert!(!r.allows(Method::Password) && !r.allows(Method::Gss));
        assert!(r.allows(Method::Md5) && r.allows(Method::ScramSha256) && r.allows(Method::Sspi));
        assert!(r.allows_no_authentication());
        assert!(Method::ALL.iter().all(|m| !r.names(*m)));
        assert!(!ra("!none").allows_no_authentication());
        assert!(ra("!none").allows(Method::Password));
    }

    #[test]
    fn none_alone_refuses_every_method() {
        let r = ra("none");
        assert!(Method::ALL.iter().all(|m| !r.allows(*m)));
        assert!(r.allows_no_authentication());
        assert_eq!(r.allowed_names(), ["none"]);
    }

    #[test]
    fn parse_errors_keep_libpq_wording() {
        for (bad, says) in [
            ("kerberos", "invalid require_auth value \"kerberos\""),
            ("md5,", "invalid require_auth value \"\""),
            ("md5, scram-sha-256", "invalid require_auth value \" scram-sha-256\""),
            ("!", "invalid require_auth value \"!\""),
            (
                "md5,!password",
                "negative require_auth method \"!password\" cannot be mixed",
            ),
            (
                "!md5,password",
                "require_auth method \"password\" cannot be mixed with negative",
            ),
            ("none,none", "\"none\" is specified more than once"),
            ("!md5,!md5", "\"md5\" is specified more than once"),
        ] {
            let e = RequireAuth::parse(bad).unwrap_err();
            assert_eq!(e.key(), Some("require_auth"));
            assert!(e.to_string().contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn refused_requests_name_the_method_and_the_allowed_set() {
        let r = ra("scram-sha-256");
        let e = check(
            &r,
            &Authentication::Md5Password { salt: [1; 4] },
            AuthMethod::None,
            SOCKET,
        )
        .unwrap_err();
        assert!(
            e.starts_with("authentication error: authentication method requirement \"scram-sha-256\" failed"),
            "{e}"
        );
        assert!(e.contains("requested an MD5-hashed password (md5)"), "{e}");
        assert!(e.contains("allows only: scram-sha-256"), "{e}");
        assert!(e.contains("nothing secret was sent"), "{e}");

        let e = check(&ra("md5,none"), &sasl(&["SCRAM-SHA-256"]), AuthMethod::None, SOCKET).unwrap_err();
        assert!(
            e.contains("SASL authentication (offered: SCRAM-SHA-256) (scram-sha-256)"),
            "{e}"
        );
        assert!(e.contains("allows only: md5, none"), "{e}");

        let e = check(
            &ra("!password"),
            &Authentication::CleartextPassword,
            AuthMethod::None,
            SOCKET,
        )
        .unwrap_err();
        assert!(e.contains("a cleartext password (password)"), "{e}");
        let e = check(&ra("scram-sha-256"), &Authentication::Gss, AuthMethod::None, SOCKET).unwrap_err();
        assert!(e.contains("GSSAPI"), "{e}");
        let e = check(&ra("scram-sha-256"), &Authentication::Sspi, AuthMethod::None, SOCKET).unwrap_err();
        assert!(e.contains("SSPI"), "{e}");
        let e = check(&ra("scram-sha-256"), &sasl(&["OAUTHBEARER"]), AuthMethod::None, SOCKET).unwrap_err();
        assert!(e.contains("(oauth)"), "{e}");
    }

    #[test]
    fn allowed_requests_pass() {
        let r = ra("scram-sha-256");
        assert!(
            check(
                &r,
                &sasl(&["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"]),
                AuthMethod::None,
                TCP
            )
            .is_ok()
        );
        let data = Bytes::from_static(b"x");
        assert!(
            check(
                &r,
                &Authentication::SaslContinue { data: data.clone() },
                AuthMethod::ScramSha256,
                TCP
            )
            .is_ok()
        );
        assert!(check(&r, &Authentication::SaslFinal { data }, AuthMethod::ScramSha256, TCP).is_ok());
        assert!(check(&r, &Authentication::Ok, AuthMethod::ScramSha256, TCP).is_ok());
        assert!(check(&r, &Authentication::Ok, AuthMethod::ScramSha256Plus, TCP).is_ok());
        // Mechanisms tusk does not know are left to the caller to refuse.
        assert!(check(&r, &sasl(&["FANCY"]), AuthMethod::None, TCP).is_ok());
    }

    #[test]
    fn ok_without_an_allowed_exchange_is_refused() {
        let e = check(&ra("scram-sha-256"), &Authentication::Ok, AuthMethod::None, TCP).unwrap_err();
        assert!(e.contains("server did not complete authentication"), "{e}");
        let e = check(&ra("!none"), &Authentication::Ok, AuthMethod::None, TCP).unwrap_err();
        assert!(e.contains("server did not complete authentication"), "{e}");
        assert!(check(&ra("scram-sha-256,none"), &Authentication::Ok, AuthMethod::None, TCP).is_ok());
        assert!(check(&ra("!password"), &Authentication::Ok, AuthMethod::None, TCP).is_ok());
        // A method used without being allowed (cannot happen through `check`, but the
        // last line of defence holds).
        let e = check(&ra("scram-sha-256"), &Authentication::Ok, AuthMethod::Md5, TCP).unwrap_err();
        assert!(e.contains("with md5"), "{e}");
    }

    #[test]
    fn cleartext_over_unencrypted_tcp_needs_password_named() {
        let e = check(
            &RequireAuth::default(),
            &Authentication::CleartextPassword,
            AuthMethod::None,
            TCP,
        )
        .unwrap_err();
        assert!(e.contains("db.example:5432"), "{e}");
        assert!(e.contains("require_auth=password"), "{e}");
        assert!(e.contains("sslmode=require"), "{e}");
        assert!(e.contains("nothing secret was sent"), "{e}");
        // A negated list allows the method but does not ask for it.
        assert!(check(&ra("!md5"), &Authentication::CleartextPassword, AuthMethod::None, TCP).is_err());
        assert!(
            check(
                &ra("password"),
                &Authentication::CleartextPassword,
                AuthMethod::None,
                TCP
            )
            .is_ok()
        );
        assert!(
            check(
                &ra("scram-sha-256,password"),
                &Authentication::CleartextPassword,
                AuthMethod::None,
                TCP
            )
            .is_ok()
        );
        // Private transports are fine by default.
        let default = RequireAuth::default();
        assert!(check(&default, &Authentication::CleartextPassword, AuthMethod::None, SOCKET).is_ok());
        assert!(
            check(
                &ra("!md5"),
                &Authentication::CleartextPassword,
                AuthMethod::None,
                SOCKET
            )
            .is_ok()
        );
    }

    #[test]
    fn deny_all_refuses_everything() {
        let r = RequireAuth::deny_all();
        assert!(check(&r, &Authentication::Ok, AuthMethod::None, SOCKET).is_err());
        assert!(check(&r, &Authentication::CleartextPassword, AuthMethod::None, SOCKET).is_err());
        assert!(r.allowed_names().is_empty());
    }

    #[test]
    fn session_methods_map_to_require_auth_methods() {
        assert_eq!(Method::of_session(AuthMethod::None), None);
        assert_eq!(Method::of_session(AuthMethod::Password), Some(Method::Password));
        assert_eq!(Method::of_session(AuthMethod::Md5), Some(Method::Md5));
        assert_eq!(Method::of_session(AuthMethod::ScramSha256), Some(Method::ScramSha256));
        assert_eq!(
            Method::of_session(AuthMethod::ScramSha256Plus),
            Some(Method::ScramSha256)
        );
    }
}
