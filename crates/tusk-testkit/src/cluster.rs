//! One throwaway PostgreSQL cluster: created, configured, started, and removed on drop.
//!
//! A cluster lives in its own directory under `<temp dir>/tusk-testkit/`:
//!
//! ```text
//! <temp>/tusk-testkit/<pid>-<n>/
//!     owner.pid         id of the process that owns the cluster (for stale cleanup)
//!     socket/           unix_socket_directories
//!     data/             the data directory (initdb)
//!         server.log    the server's log
//!         tusk.conf     settings the testkit manages: port, listen addresses, socket dir
//! ```

use std::fmt::Write as _;
use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::error::{Result, TestkitError};
use crate::install::Installation;
use crate::options::{ClusterOptions, default_hba_rules};
use crate::os::{self, RunAs};
use crate::role::{AuthMethod, Role, RoleInfo, Transport};
use crate::stale;

/// The address the server listens on.
const HOST: &str = "127.0.0.1";
/// How many times a start is retried when the chosen port was taken meanwhile.
const PORT_ATTEMPTS: usize = 5;
/// How many lines of the server log an error shows.
const LOG_TAIL_LINES: usize = 40;
/// Longest unix socket path Linux accepts (sun_path is 108 bytes, NUL included).
const MAX_SOCKET_PATH: usize = 107;

/// A running PostgreSQL cluster in a temporary directory, with the test [`Role`]s.
///
/// Dropping it stops the server (`pg_ctl stop -m immediate`) and deletes the directory.
/// For most tests, use the process-wide [`shared_clusters`](crate::shared_clusters)
/// instead of starting one of your own.
///
/// ```no_run
/// use tusk_testkit::{Cluster, ClusterOptions, Role, Transport};
///
/// let inst = tusk_testkit::installations().pop().expect("run scripts/install-postgres");
/// let cluster = Cluster::start(&inst, ClusterOptions::default())?;
/// let db = cluster.fresh_database()?;
/// println!("connect with: {}", cluster.conninfo(Role::Scram, Transport::Tcp, &db));
/// assert_eq!(cluster.psql("SELECT 1 + 1")?, "2");
/// # Ok::<(), tusk_testkit::TestkitError>(())
/// ```
#[derive(Debug)]
pub struct Cluster {
    installation: Installation,
    run_as: Option<&'static RunAs>,
    dir: PathBuf,
    data_dir: PathBuf,
    socket_dir: PathBuf,
    log_file: PathBuf,
    port: u16,
    /// Set once `pg_ctl start` has been attempted, cleared by a successful stop.
    maybe_running: AtomicBool,
    /// Set once the directory has been removed.
    removed: AtomicBool,
    next_database: AtomicU64,
}

impl Cluster {
    /// Creates and starts a cluster of `installation`, configured by `options`.
    ///
    /// Takes about a second: `initdb --no-sync`, `pg_ctl -w start` on a free port, then
    /// the roles are created with `psql`. Also removes directories of clusters whose
    /// owning process has died (once per process).
    ///
    /// ```no_run
    /// use tusk_testkit::{Cluster, ClusterOptions};
    ///
    /// let inst = &tusk_testkit::installations()[0];
    /// let cluster = Cluster::start(inst, ClusterOptions::default().conf("wal_level = logical"))?;
    /// assert_eq!(cluster.psql("SHOW wal_level")?, "logical");
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn start(installation: &Installation, options: ClusterOptions) -> Result<Cluster> {
        let root = temp_root()?;
        stale::clean_once(&root);
        let run_as = os::run_as()?;
        let dir = create_cluster_dir(&root)?;
        let data_dir = dir.join("data");
        let socket_dir = dir.join("socket");
        let log_file = data_dir.join("server.log");
        let mut cluster = Cluster {
            installation: installation.clone(),
            run_as,
            dir,
            data_dir,
            socket_dir,
            log_file,
            port: 0,
            maybe_running: AtomicBool::new(false),
            removed: AtomicBool::new(false),
            next_database: AtomicU64::new(1),
        };
        // From here on, an early return drops `cluster`, which removes the directory and
        // stops the server if it got that far.
        cluster.prepare_dirs()?;
        cluster.initdb()?;
        cluster.write_config(&options)?;
        cluster.start_server()?;
        cluster.create_roles(&options)?;
        Ok(cluster)
    }

    /// Major version, e.g. `15`.
    ///
    /// ```no_run
    /// # let cluster = &tusk_testkit::shared_clusters()[0];
    /// if cluster.major() >= 18 { /* protocol 3.2 is available */ }
    /// ```
    pub fn major(&self) -> u32 {
        self.installation.major
    }

    /// Full server version, e.g. `18.6`.
    ///
    /// ```no_run
    /// # let cluster = &tusk_testkit::shared_clusters()[0];
    /// assert!(cluster.version().starts_with(&cluster.major().to_string()));
    /// ```
    pub fn version(&self) -> &str {
        &self.installation.version
    }

    /// The TCP host the server listens on: always `127.0.0.1`.
    ///
    /// ```no_run
    /// # let cluster = &tusk_testkit::shared_clusters()[0];
    /// let addr = format!("{}:{}", cluster.host(), cluster.port());
    /// ```
    pub fn host(&self) -> &str {
        HOST
    }

    /// The TCP port; the unix socket is `<socket_dir>/.s.PGSQL.<port>`.
    ///
    /// ```no_run
    /// # let cluster = &tusk_testkit::shared_clusters()[0];
    /// let stream = std::net::TcpStream::connect((cluster.host(), cluster.port()))?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The directory holding the unix socket (libpq's `host=` for socket connections).
    ///
    /// ```no_run
    /// # let cluster = &tusk_testkit::shared_clusters()[0];
    /// let socket = cluster.socket_dir().join(format!(".s.PGSQL.{}", cluster.port()));
    /// let stream = std::os::unix::net::UnixStream::connect(socket)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    /// The unix socket's full path: `<socket_dir>/.s.PGSQL.<port>`.
    ///
    /// ```no_run
    /// # let cluster = &tusk_testkit::shared_clusters()[0];
    /// assert!(cluster.socket_path().exists());
    /// ```
    pub fn socket_path(&self) -> PathBuf {
        self.socket_path_for(self.port)
    }

    /// The installation's bin directory (initdb, psql, pgbench, pg_basebackup, …).
    ///
    /// ```no_run
    /// # let cluster = &tusk_testkit::shared_clusters()[0];
    /// let pgbench = cluster.bin_dir().join("pgbench");
    /// ```
    pub fn bin_dir(&self) -> &Path {
        &self.installation.bin_dir
    }

    /// The data directory.
    ///
    /// ```no_run
    /// # let cluster = &tusk_testkit::shared_clusters()[0];
    /// assert!(cluster.data_dir().join("PG_VERSION").exists());
    /// ```
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The server's log file (inside the data directory).
    ///
    /// ```no_run
    /// # let cluster = &tusk_testkit::shared_clusters()[0];
    /// let log = std::fs::read_to_string(cluster.log_file())?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn log_file(&self) -> &Path {
        &self.log_file
    }

    /// The installation this cluster runs.
    ///
    /// ```no_run
    /// # let cluster = &tusk_testkit::shared_clusters()[0];
    /// let pg_dump = cluster.installation().command("pg_dump");
    /// ```
    pub fn installation(&self) -> &Installation {
        &self.installation
    }

    /// Name, password and method of one of the built-in roles.
    ///
    /// ```no_run
    /// use tusk_testkit::Role;
    /// # let cluster = &tusk_testkit::shared_clusters()[0];
    /// assert_eq!(cluster.role(Role::Scram).name, "tusk_scram");
    /// ```
    pub fn role(&self, role: Role) -> RoleInfo {
        role.info()
    }

    /// A libpq key=value connection string for `role` over `transport` to `dbname`:
    /// `host=… port=… user=… [password=…] dbname=…`. For [`Transport::Unix`], `host` is
    /// the socket directory. Values are quoted as libpq requires.
    ///
    /// ```no_run
    /// use tusk_testkit::{Role, Transport};
    /// # let cluster = &tusk_testkit::shared_clusters()[0];
    /// let conninfo = cluster.conninfo(Role::Md5, Transport::Tcp, "postgres");
    /// // "host=127.0.0.1 port=41234 user=tusk_md5 password=pw_md5 dbname=postgres"
    /// ```
    pub fn conninfo(&self, role: Role, transport: Transport, dbname: &str) -> String {
        let info = role.info();
        let host = match transport {
            Transport::Tcp => HOST.to_owned(),
            Transport::Unix => self.socket_dir.to_string_lossy().into_owned(),
        };
        let port = self.port.to_string();
        let mut pairs = vec![("host", host.as_str()), ("port", &port), ("user", info.name)];
        if let Some(password) = info.password {
            pairs.push(("password", password));
        }
        pairs.push(("dbname", dbname));
        let mut out = String::new();
        for (key, value) in pairs {
            if !out.is_empty() {
                out.push(' ');
            }
            let _ = write!(out, "{key}={}", conninfo_value(value));
        }
        out
    }

    /// A `postgres://` URL for `role` over TCP to `dbname`, percent-encoded.
    ///
    /// ```no_run
    /// use tusk_testkit::Role;
    /// # let cluster = &tusk_testkit::shared_clusters()[0];
    /// let url = cluster.url(Role::Scram, "postgres");
    /// // "postgres://tusk_scram:pw_scram@127.0.0.1:41234/postgres"
    /// ```
    pub fn url(&self, role: Role, dbname: &str) -> String {
        let info = role.info();
        let mut url = format!("postgres://{}", percent_encode(info.name));
        if let Some(password) = info.password {
            url.push(':');
            url.push_str(&percent_encode(password));
        }
        let _ = write!(url, "@{HOST}:{}/{}", self.port, percent_encode(dbname));
        url
    }

    /// Runs SQL as superuser in database `postgres` with the cluster's own psql
    /// (`psql -X -At -v ON_ERROR_STOP=1`) and returns its output without the trailing
    /// newline: unaligned, tuples only, `|` between columns, one row per line.
    ///
    /// ```no_run
    /// # let cluster = &tusk_testkit::shared_clusters()[0];
    /// assert_eq!(cluster.psql("SELECT 1, 'a'")?, "1|a");
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn psql(&self, sql: &str) -> Result<String> {
        self.psql_in("postgres", sql)
    }

    /// Like [`psql`](Self::psql), in database `dbname`.
    ///
    /// ```no_run
    /// # let cluster = &tusk_testkit::shared_clusters()[0];
    /// let db = cluster.fresh_database()?;
    /// cluster.psql_in(&db, "CREATE TABLE t (id int)")?;
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn psql_in(&self, dbname: &str, sql: &str) -> Result<String> {
        self.psql_script(dbname, &[sql])
    }

    /// Creates a database with a new, unique name and returns the name. It is owned by
    /// `postgres`; every test role has all privileges on it and on its `public` schema.
    ///
    /// ```no_run
    /// use tusk_testkit::{Role, Transport};
    /// # let cluster = &tusk_testkit::shared_clusters()[0];
    /// let db = cluster.fresh_database()?;
    /// let conninfo = cluster.conninfo(Role::Scram, Transport::Unix, &db);
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn fresh_database(&self) -> Result<String> {
        let n = self.next_database.fetch_add(1, Ordering::Relaxed);
        let name = format!("tusk_db_{n}");
        let create = format!("CREATE DATABASE {name}");
        let grant = format!("GRANT ALL ON DATABASE {name} TO {}", test_role_list());
        self.psql_script("postgres", &[&create, &grant])?;
        Ok(name)
    }

    /// Stops the server now (`pg_ctl stop -m immediate`). The directory stays until the
    /// cluster is dropped. Stopping a stopped cluster does nothing.
    ///
    /// ```no_run
    /// # let cluster = tusk_testkit::Cluster::start(&tusk_testkit::installations()[0], Default::default())?;
    /// cluster.stop()?;
    /// assert!(cluster.psql("SELECT 1").is_err());
    /// # Ok::<(), tusk_testkit::TestkitError>(())
    /// ```
    pub fn stop(&self) -> Result<()> {
        match self.spawn_stop() {
            Some(child) => self.finish_stop(child),
            None => Ok(()),
        }
    }

    /// Starts `pg_ctl stop` without waiting for it; `None` when there is nothing to stop.
    fn spawn_stop(&self) -> Option<Result<(String, Child)>> {
        if !self.maybe_running.load(Ordering::SeqCst) {
            return None;
        }
        let mut cmd = self.server_command("pg_ctl");
        cmd.arg("stop")
            .arg("-D")
            .arg(&self.data_dir)
            .args(["-m", "immediate", "-w", "-t", "60"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let shown = os::describe(&cmd);
        Some(
            cmd.spawn()
                .map(|child| (shown.clone(), child))
                .map_err(|e| TestkitError::io(format!("running {shown}"), e)),
        )
    }

    fn finish_stop(&self, spawned: Result<(String, Child)>) -> Result<()> {
        let (shown, child) = spawned?;
        let output = child
            .wait_with_output()
            .map_err(|e| TestkitError::io(format!("waiting for {shown}"), e))?;
        if output.status.success() || !self.data_dir.join("postmaster.pid").exists() {
            self.maybe_running.store(false, Ordering::SeqCst);
            Ok(())
        } else {
            Err(TestkitError::command(shown, &output))
        }
    }

    /// Stops the server (by signal if pg_ctl fails) and removes the directory.
    fn teardown(&self, spawned: Option<Result<(String, Child)>>) {
        if let Some(spawned) = spawned
            && self.finish_stop(spawned).is_err()
        {
            stale::kill_postmaster(&self.data_dir);
        }
        if !self.removed.swap(true, Ordering::SeqCst) {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }

    /// Tears down several clusters at once: all `pg_ctl stop`s run in parallel.
    pub(crate) fn teardown_all(clusters: &[&Cluster]) {
        let spawned: Vec<_> = clusters.iter().map(|c| c.spawn_stop()).collect();
        for (cluster, spawned) in clusters.iter().zip(spawned) {
            cluster.teardown(spawned);
        }
    }

    // ----- start-up steps ------------------------------------------------------------------

    fn prepare_dirs(&self) -> Result<()> {
        let socket_path = self.socket_path_for(65535);
        if socket_path.as_os_str().len() > MAX_SOCKET_PATH {
            return Err(TestkitError::Other(format!(
                "unix socket path {} is too long; set TMPDIR to a shorter directory",
                socket_path.display()
            )));
        }
        make_dir(&self.socket_dir, 0o755)?;
        os::give_to_server_user(&self.socket_dir)?;
        os::give_to_server_user(&self.dir)
    }

    fn socket_path_for(&self, port: u16) -> PathBuf {
        self.socket_dir.join(format!(".s.PGSQL.{port}"))
    }

    fn initdb(&self) -> Result<()> {
        let mut cmd = self.server_command("initdb");
        cmd.args(["--no-sync", "-A", "trust", "-U", "postgres", "-E", "UTF8"])
            .arg("--locale=C")
            .arg("-D")
            .arg(&self.data_dir);
        os::run(&mut cmd).map(drop)
    }

    fn write_config(&self, options: &ClusterOptions) -> Result<()> {
        let mut conf = String::from("\n# ---- added by tusk-testkit ----\n");
        for line in ["fsync = off", "full_page_writes = off", "max_connections = 200"] {
            conf.push_str(line);
            conf.push('\n');
        }
        for line in &options.conf {
            conf.push_str(line);
            conf.push('\n');
        }
        // Last, so that nothing above can move the server away from where we look for it.
        conf.push_str("include 'tusk.conf'\n");
        let path = self.data_dir.join("postgresql.conf");
        fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .and_then(|mut file| std::io::Write::write_all(&mut file, conf.as_bytes()))
            .map_err(|e| TestkitError::io(format!("appending to {}", path.display()), e))?;

        let mut hba = String::from("# written by tusk-testkit: extra rules, then defaults\n");
        for rule in options.hba.iter().cloned().chain(default_hba_rules()) {
            let _ = writeln!(hba, "{rule}");
        }
        self.write_data_file(Path::new("pg_hba.conf"), hba.as_bytes(), 0o600)?;

        for (relative, contents) in &options.files {
            self.write_data_file(relative, contents, 0o600)?;
        }
        Ok(())
    }

    /// Writes `tusk.conf`, the settings that place the server: port and addresses.
    fn write_managed_config(&self, port: u16) -> Result<()> {
        let conf = format!(
            "# managed by tusk-testkit; rewritten on every start\n\
             listen_addresses = '{HOST}'\n\
             port = {port}\n\
             unix_socket_directories = {}\n",
            conf_string(&self.socket_dir.to_string_lossy()),
        );
        self.write_data_file(Path::new("tusk.conf"), conf.as_bytes(), 0o644)
    }

    /// Writes a file inside the data directory, owned by the server's account.
    fn write_data_file(&self, relative: &Path, contents: &[u8], mode: u32) -> Result<()> {
        let path = self.data_dir.join(relative);
        if let Some(parent) = path.parent()
            && !parent.exists()
        {
            make_dir(parent, 0o700)?;
            os::give_to_server_user(parent)?;
        }
        let _ = fs::remove_file(&path);
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&path)
            .and_then(|mut file| std::io::Write::write_all(&mut file, contents))
            .map_err(|e| TestkitError::io(format!("writing {}", path.display()), e))?;
        os::give_to_server_user(&path)
    }

    fn start_server(&mut self) -> Result<()> {
        let mut attempt = 1;
        loop {
            let port = free_port()?;
            self.write_managed_config(port)?;
            let log_start = file_len(&self.log_file);
            let mut cmd = self.server_command("pg_ctl");
            cmd.arg("start")
                .arg("-D")
                .arg(&self.data_dir)
                .arg("-l")
                .arg(&self.log_file)
                .args(["-w", "-t", "60"]);
            self.maybe_running.store(true, Ordering::SeqCst);
            let err = match os::run(&mut cmd) {
                Ok(_) => {
                    self.port = port;
                    return Ok(());
                }
                Err(err) => err,
            };
            let new_log = read_from(&self.log_file, log_start);
            // Someone took the port between free_port() and the server's bind: try another.
            if new_log.contains("Address already in use") && attempt < PORT_ATTEMPTS {
                attempt += 1;
                continue;
            }
            return Err(TestkitError::Start {
                message: format!(
                    "PostgreSQL {} in {}: {err}",
                    self.installation.version,
                    self.data_dir.display()
                ),
                log_tail: tail(&new_log, LOG_TAIL_LINES),
            });
        }
    }

    fn create_roles(&self, options: &ClusterOptions) -> Result<()> {
        let mut script: Vec<String> = Vec::new();
        for role in Role::TEST_ROLES {
            let info = role.info();
            if info.method == AuthMethod::Md5 {
                script.push("SET password_encryption = 'md5'".into());
            }
            let mut create = format!("CREATE ROLE {} LOGIN CREATEDB", info.name);
            if let Some(password) = info.password {
                let _ = write!(create, " PASSWORD {}", sql_literal(password));
            }
            script.push(create);
            if info.method == AuthMethod::Md5 {
                script.push("RESET password_encryption".into());
            }
        }
        let roles = test_role_list();
        script.push(format!("GRANT ALL ON DATABASE postgres TO {roles}"));
        script.push(format!("GRANT ALL ON SCHEMA public TO {roles}"));
        // New databases are copies of template1: grant there too, so that every fresh
        // database's public schema is open to the test roles.
        script.push("\\connect template1".into());
        script.push(format!("GRANT ALL ON SCHEMA public TO {roles}"));
        script.push("\\connect postgres".into());
        script.extend(options.setup_sql.iter().cloned());
        let script: Vec<&str> = script.iter().map(String::as_str).collect();
        self.psql_script("postgres", &script).map(drop)
    }

    // ----- running tools -------------------------------------------------------------------

    /// Runs psql as superuser over the socket; each entry of `commands` is its own `-c`.
    fn psql_script(&self, dbname: &str, commands: &[&str]) -> Result<String> {
        let mut cmd = self.installation.command("psql");
        cmd.args(["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(&self.socket_dir)
            .arg("-p")
            .arg(self.port.to_string())
            .args(["-U", "postgres", "-d", dbname])
            .env("PGCONNECT_TIMEOUT", "30")
            .current_dir(&self.dir);
        for command in commands {
            cmd.arg("-c").arg(command);
        }
        let output = os::run(&mut cmd)?;
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        while text.ends_with('\n') {
            text.pop();
        }
        Ok(text)
    }

    /// A command for a server-side tool, run as the server's account.
    fn server_command(&self, tool: &str) -> Command {
        let mut cmd = match self.run_as {
            None => self.installation.command(tool),
            Some(user) => {
                let mut cmd = Command::new("runuser");
                cmd.env_clear()
                    .env("PATH", os::CHILD_PATH)
                    .args(["-u", &user.name, "--", "env"]);
                if let Some(lib) = &self.installation.lib_dir {
                    let mut assignment = std::ffi::OsString::from("LD_LIBRARY_PATH=");
                    assignment.push(lib);
                    cmd.arg(assignment);
                }
                cmd.arg(self.installation.tool(tool));
                cmd
            }
        };
        cmd.current_dir(&self.dir);
        cmd
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        Cluster::teardown_all(&[&*self]);
    }
}

/// `<temp dir>/tusk-testkit`, created world-writable and sticky (like /tmp) so that root
/// and other users can share it.
pub(crate) fn temp_root() -> Result<PathBuf> {
    let root = std::env::temp_dir().join("tusk-testkit");
    if !root.is_dir() {
        match fs::create_dir(&root) {
            Ok(()) => {
                let _ = fs::set_permissions(&root, fs::Permissions::from_mode(0o1777));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(TestkitError::io(format!("creating {}", root.display()), e)),
        }
    }
    Ok(root)
}

/// Creates `<root>/<pid>-<n>` with an `owner.pid` file in it.
fn create_cluster_dir(root: &Path) -> Result<PathBuf> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let pid = os::own_pid();
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = root.join(format!("{pid}-{n}"));
        match make_dir(&dir, 0o755) {
            Ok(()) => {
                let owner = dir.join(stale::OWNER_FILE);
                fs::write(&owner, format!("{pid}\n"))
                    .map_err(|e| TestkitError::io(format!("writing {}", owner.display()), e))?;
                return Ok(dir);
            }
            Err(TestkitError::Io { source, .. }) if source.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
}

/// Creates one directory with exactly `mode` (whatever the umask).
fn make_dir(path: &Path, mode: u32) -> Result<()> {
    fs::create_dir(path)
        .and_then(|()| fs::set_permissions(path, fs::Permissions::from_mode(mode)))
        .map_err(|e| TestkitError::io(format!("creating {}", path.display()), e))
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
fn free_port() -> Result<u16> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|e| TestkitError::io("finding a free TCP port", e))
}

fn file_len(path: &Path) -> u64 {
    fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// The contents of a file from byte `offset` on (empty when unreadable).
fn read_from(path: &Path, offset: u64) -> String {
    let mut bytes = Vec::new();
    if let Ok(mut file) = fs::File::open(path)
        && file.seek(SeekFrom::Start(offset)).is_ok()
    {
        let _ = file.read_to_end(&mut bytes);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The last `lines` lines of `text`.
fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Polls `done` every 20 ms until it returns true or `timeout` passes.
pub(crate) fn wait_until(timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if done() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `tusk_trust, tusk_password, tusk_md5, tusk_scram`.
fn test_role_list() -> String {
    Role::TEST_ROLES.map(Role::name).join(", ")
}

/// A value in a libpq conninfo string, quoted when needed.
fn conninfo_value(value: &str) -> String {
    let plain = !value.is_empty() && !value.chars().any(|c| c.is_whitespace() || c == '\'' || c == '\\');
    if plain {
        value.to_owned()
    } else {
        let escaped = value.replace('\\', r"\\").replace('\'', r"\'");
        format!("'{escaped}'")
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// A single-quoted SQL string literal.
fn sql_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// A single-quoted postgresql.conf string value.
fn conf_string(value: &str) -> String {
    format!("'{}'", value.replace('\\', r"\\").replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_conninfo_values_like_libpq() {
        assert_eq!(conninfo_value("postgres"), "postgres");
        assert_eq!(conninfo_value(""), "''");
        assert_eq!(conninfo_value("a b"), "'a b'");
        assert_eq!(conninfo_value(r"it's\x"), r"'it\'s\\x'");
    }

    #[test]
    fn percent_encodes_url_parts() {
        assert_eq!(percent_encode("tusk_md5"), "tusk_md5");
        assert_eq!(percent_encode("p@ss:w/rd é"), "p%40ss%3Aw%2Frd%20%C3%A9");
    }

    #[test]
    fn quotes_sql_and_conf_strings() {
        assert_eq!(sql_literal("it's"), "'it''s'");
        assert_eq!(conf_string(r"/tmp/a'b\c"), r"'/tmp/a''b\\c'");
    }

    #[test]
    fn tails_text() {
        assert_eq!(tail("a\nb\nc\n", 2), "b\nc");
        assert_eq!(tail("a", 5), "a");
        assert_eq!(tail("", 5), "");
    }

    #[test]
    fn free_port_is_nonzero() {
        assert_ne!(free_port().unwrap(), 0);
    }
}
