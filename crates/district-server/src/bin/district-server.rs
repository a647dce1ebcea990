//! `district-server`: serve, initialise the database, register kiosks, add staff accounts.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use district_server::admin;
use district_server::config::{Config, DEFAULT_CONFIG};
use district_server::server;

#[derive(Parser)]
#[command(
    name = "district-server",
    version,
    about = "The district server for lobby kiosks"
)]
struct Cli {
    /// The TOML config file.
    #[arg(
        short,
        long,
        global = true,
        env = "DISTRICT_SERVER_CONFIG",
        default_value = "district-server.toml"
    )]
    config: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve kiosks and staff over HTTP until Ctrl-C or SIGTERM.
    Serve {
        /// Overrides `listen` from the config (e.g. 127.0.0.1:0 for any free port).
        #[arg(long)]
        listen: Option<SocketAddr>,
    },
    /// Create the database (and a default config file if there is none); print a staff token.
    Init,
    /// Print a new staff token.
    StaffToken {
        /// Revoke every earlier staff token.
        #[arg(long)]
        revoke_others: bool,
    },
    /// Register, list and remove kiosks.
    Kiosk {
        #[command(subcommand)]
        command: KioskCommand,
    },
    /// Try the console on a demo district in one step: create this config and its database if
    /// there are none, publish the bundle when nothing is published yet, create the first admin
    /// (asks for the password) unless that account exists, and serve.
    Demo {
        /// The first admin's account name.
        #[arg(long, default_value = "admin")]
        admin: String,
        /// The bundle folder published when nothing is published yet.
        #[arg(long, default_value = "assets/demo")]
        bundle: PathBuf,
        /// Overrides `listen` from the config (e.g. 127.0.0.1:0 for any free port).
        #[arg(long)]
        listen: Option<SocketAddr>,
    },
    /// Staff accounts of the web console (/console/).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account. The password is asked for (or read from the first line of stdin);
    /// never put it on the command line.
    Add {
        /// The account name: 1 to 40 of a-z, 0-9, `.`, `-`, `_`.
        name: String,
        /// admin (people, kiosks and everything else), editor (content) or moderator (wishes,
        /// claims, sign-ups).
        #[arg(long)]
        role: String,
    },
    /// Set a new password (asked for, or read from stdin); every sign-in of the account ends.
    SetPassword { name: String },
    /// List accounts.
    List,
}

/// A password from the terminal (asked twice, not echoed) or, when stdin is not a terminal,
/// its first line.
fn read_password() -> anyhow::Result<String> {
    use std::io::{BufRead, IsTerminal};
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password (at least 10 characters): ")
            .context("cannot read the password")?;
        let again = rpassword::prompt_password("The same password again: ")
            .context("cannot read the password")?;
        anyhow::ensure!(first == again, "the two passwords differ; nothing changed");
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from stdin")?;
        Ok(line.trim_end_matches(['\n', '\r']).to_string())
    }
}

#[derive(Subcommand)]
enum KioskCommand {
    /// Register a kiosk at a station and print its token.
    Add {
        /// The kiosk's name: a-z, 0-9, `-`, `_`.
        name: String,
        /// Id of the station the kiosk stands in.
        #[arg(long)]
        station: String,
    },
    /// List registered kiosks.
    List,
    /// Remove a kiosk; its token stops working.
    Remove { name: String },
}

fn load(path: &Path) -> anyhow::Result<Config> {
    Ok(Config::load(path)?)
}

fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(filter));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { listen } => {
            let mut config = load(&cli.config)?;
            if let Some(addr) = listen {
                config.listen = addr;
            }
            init_logging(&config.log);
            let runtime = tokio::runtime::Runtime::new().context("cannot start the runtime")?;
            runtime.block_on(server::run(config, |addr| {
                println!("district-server listening on http://{addr}");
                let _ = std::io::stdout().flush();
            }))?;
        }
        Command::Init => {
            if !cli.config.exists() {
                std::fs::write(&cli.config, DEFAULT_CONFIG)
                    .with_context(|| format!("cannot write {}", cli.config.display()))?;
                eprintln!("Wrote a default config to {}.", cli.config.display());
            }
            let config = load(&cli.config)?;
            let token = admin::init(&config)?;
            eprintln!(
                "Created the database in {}.\nStaff token (shown once, keep it secret; kioskctl reads it from KIOSKCTL_TOKEN):",
                config.data_dir.display()
            );
            println!("{token}");
        }
        Command::Demo {
            admin: name,
            bundle,
            listen,
        } => {
            if !cli.config.exists() {
                if let Some(dir) = cli.config.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("cannot create {}", dir.display()))?;
                }
                std::fs::write(&cli.config, DEFAULT_CONFIG)
                    .with_context(|| format!("cannot write {}", cli.config.display()))?;
                eprintln!("Wrote a default config to {}.", cli.config.display());
            }
            let mut config = load(&cli.config)?;
            if !admin::is_initialised(&config)? {
                let token = admin::init(&config)?;
                eprintln!(
                    "Created the database in {}. Staff token for kioskctl (shown once, keep it secret): {token}",
                    config.data_dir.display()
                );
            }
            if let Some(plan) = admin::publish_first_bundle(&config, &bundle)? {
                eprintln!(
                    "Published {} ({} records).",
                    bundle.display(),
                    plan.change_count()
                );
            }
            let exists = district_server::people::list(&config)?
                .iter()
                .any(|u| u.name == name);
            if !exists {
                eprintln!("The first admin, `{name}`: choose a password.");
                let password = read_password()?;
                district_server::people::create(
                    &config,
                    &name,
                    district_server::accounts::StaffRole::Admin,
                    &password,
                )?;
            }
            if let Some(addr) = listen {
                config.listen = addr;
            }
            init_logging(&config.log);
            let runtime = tokio::runtime::Runtime::new().context("cannot start the runtime")?;
            runtime.block_on(server::run(config, |addr| {
                println!("district-server listening on http://{addr}");
                let _ = std::io::stdout().flush();
                eprintln!("Open http://{addr}/console/ and sign in as `{name}`.");
            }))?;
        }
        Command::StaffToken { revoke_others } => {
            let config = load(&cli.config)?;
            let token = admin::staff_token(&config, revoke_others)?;
            eprintln!("New staff token (shown once):");
            println!("{token}");
        }
        Command::User { command } => {
            let config = load(&cli.config)?;
            match command {
                UserCommand::Add { name, role } => {
                    let role: district_server::accounts::StaffRole = role.parse()?;
                    let password = read_password()?;
                    district_server::people::create(&config, &name, role, &password)?;
                    eprintln!("Created {role} `{name}`. Sign in at the server's /console/.");
                }
                UserCommand::SetPassword { name } => {
                    let password = read_password()?;
                    district_server::people::set_password(&config, &name, &password)?;
                    eprintln!("Set a new password for `{name}`; their sign-ins were ended.");
                }
                UserCommand::List => {
                    for u in district_server::people::list(&config)? {
                        println!(
                            "{}\t{}\t{}\tcreated {}",
                            u.name,
                            u.role,
                            if u.disabled { "disabled" } else { "active" },
                            u.created_at
                        );
                    }
                }
            }
        }
        Command::Kiosk { command } => {
            let config = load(&cli.config)?;
            match command {
                KioskCommand::Add { name, station } => {
                    let created = admin::add_kiosk(&config, &name, &station)?;
                    if let Some(w) = &created.warning {
                        eprintln!("Note: {w}");
                    }
                    eprintln!(
                        "Registered kiosk `{name}` at station `{station}`. Its token (shown once; put it in the kiosk's config):"
                    );
                    println!("{}", created.token);
                }
                KioskCommand::List => {
                    for k in admin::list_kiosks(&config)? {
                        println!(
                            "{}\tstation {}\tlast seen {}",
                            k.id,
                            k.station,
                            k.last_seen_at.as_deref().unwrap_or("never")
                        );
                    }
                }
                KioskCommand::Remove { name } => {
                    admin::remove_kiosk(&config, &name)?;
                    eprintln!("Removed kiosk `{name}`; its token no longer works.");
                }
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("district-server: {e:#}");
            ExitCode::FAILURE
        }
    }
}
