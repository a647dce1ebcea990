//! `kioskctl`: the staff's command line for a district server.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use district_server::api::NoticePost;
use district_server::api::{ClaimDecision, ClaimStatus, WishDecision};
use district_server::claims::ClaimAction;
use district_server::ctl::{self, Client};
use district_server::scale_bundle::{self, ScaleSpec};
use district_server::wishes::Action;
use protocol::content::WishStatus;
use protocol::text::Text;

#[derive(Parser)]
#[command(
    name = "kioskctl",
    version,
    about = "Publish content to a district server and moderate what kiosks send"
)]
struct Cli {
    /// The district server.
    #[arg(
        long,
        global = true,
        env = "KIOSKCTL_SERVER",
        default_value = "http://127.0.0.1:8080"
    )]
    server: String,
    /// A staff token (from `district-server init`); better given in KIOSKCTL_TOKEN.
    #[arg(long, global = true, env = "KIOSKCTL_TOKEN", hide_env_values = true)]
    token: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a bundle folder, upload its new images and publish its content.
    Push {
        bundle_dir: PathBuf,
        /// Only print what would change (added / changed / removed per kind).
        #[arg(long)]
        dry_run: bool,
    },
    /// Validate a bundle folder locally, without a server.
    Check { bundle_dir: PathBuf },
    /// Write a scale data set for benchmarks: a valid bundle made from the demo content, with
    /// 1080p JPEG and PNG pictures; the same files for the same seed.
    GenBundle {
        /// A new or empty folder.
        out: PathBuf,
        #[arg(long, default_value_t = 1000)]
        articles: usize,
        #[arg(long, default_value_t = 500)]
        images: usize,
        #[arg(long, default_value_t = 200)]
        events: usize,
        #[arg(long, default_value_t = 20)]
        stations: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Moderate visitors' wishes.
    Wishes {
        #[command(subcommand)]
        command: WishCommand,
    },
    /// Offers to fulfil wishes (认领): list them with the helper's contact, match or decline.
    Claims {
        #[command(subcommand)]
        command: ClaimCommand,
    },
    /// Sign-ups for events.
    Signups {
        #[command(subcommand)]
        command: SignupCommand,
    },
    /// Kiosks: last heartbeat, versions, content seq, outbox depth.
    Kiosks,
    /// Urgent notices: a banner over every screen of the kiosks it targets, from its start to
    /// its end (published at once, no draft).
    Notice {
        #[command(subcommand)]
        command: NoticeCommand,
    },
}

#[derive(Subcommand)]
enum NoticeCommand {
    /// Post a notice in both languages, e.g. `kioskctl notice post --title-zh 台风预警
    /// --title-en "Typhoon warning" --text-zh … --text-en … --until 2030-01-19T20:00:00+08:00`.
    Post {
        #[arg(long)]
        title_zh: String,
        #[arg(long)]
        title_en: String,
        #[arg(long)]
        text_zh: String,
        #[arg(long)]
        text_en: String,
        /// When it appears (RFC 3339, e.g. 2030-01-19T14:00:00+08:00); default now.
        #[arg(long)]
        from: Option<chrono::DateTime<chrono::FixedOffset>>,
        /// When it disappears by itself (RFC 3339).
        #[arg(long, conflicts_with = "hours", required_unless_present = "hours")]
        until: Option<chrono::DateTime<chrono::FixedOffset>>,
        /// Or: how many hours after its start it disappears.
        #[arg(long)]
        hours: Option<u32>,
        /// Only this station's kiosks show it; default every kiosk of the district.
        #[arg(long)]
        station: Option<String>,
    },
    /// List the notices in the feed (running, coming, recently ended), newest first.
    List,
    /// End a notice now: kiosks take it down with their next poll.
    End { id: String },
}

#[derive(Subcommand)]
enum WishCommand {
    /// List wishes.
    List {
        /// pending, approved, claimed, fulfilled, rejected or all.
        #[arg(long, default_value = "pending")]
        status: String,
    },
    /// Approve a pending wish: kiosks of its station (or all, with --district-wide) show it.
    Approve {
        id: String,
        #[arg(long)]
        district_wide: bool,
        #[arg(long)]
        note: Option<String>,
    },
    /// Reject a wish; an approved one disappears from kiosks.
    Reject {
        id: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Mark an approved or claimed wish fulfilled; kiosks show it as fulfilled for a while.
    Fulfil {
        id: String,
        #[arg(long)]
        note: Option<String>,
    },
}

#[derive(Subcommand)]
enum ClaimCommand {
    /// List offers, with the name and contact of who offered.
    List {
        /// offered, matched, declined or all.
        #[arg(long, default_value = "offered")]
        status: String,
        /// Only the offers for this wish.
        #[arg(long)]
        wish: Option<String>,
    },
    /// Match an offer: the wish shows as claimed on the kiosks.
    Match {
        id: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Decline an offer; a wish left with no matched offer is open again.
    Decline {
        id: String,
        #[arg(long)]
        note: Option<String>,
    },
}

#[derive(Subcommand)]
enum SignupCommand {
    /// List the sign-ups of an event, per occurrence, with ids and contacts.
    List { event: String },
    /// Cancel a sign-up by its id: its seats are free again on every kiosk.
    Cancel { id: String },
}

fn client(cli: &Cli) -> anyhow::Result<Client> {
    let token = cli
        .token
        .as_deref()
        .context("no staff token: pass --token or set KIOSKCTL_TOKEN")?;
    Ok(Client::new(&cli.server, token)?)
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Check { bundle_dir } => {
            let bundle = ctl::load_bundle(bundle_dir)?;
            for warning in ctl::glyph_warnings(&bundle) {
                eprintln!("{warning}");
            }
            println!(
                "{} is valid: {} records, {} images, checksum {}",
                bundle_dir.display(),
                bundle.content.records().len(),
                bundle.blobs.len(),
                bundle.content.checksum()
            );
        }
        Command::GenBundle {
            out,
            articles,
            images,
            events,
            stations,
            seed,
        } => {
            let spec = ScaleSpec {
                articles: *articles,
                images: *images,
                events: *events,
                stations: *stations,
                seed: *seed,
            };
            let made = scale_bundle::generate(out, &spec)?;
            println!(
                "{}: {articles} articles, {} images ({} JPEG, {} PNG, {:.1} MB), {stations} stations, {} rooms, {events} events (seed {seed})",
                made.dir.display(),
                made.jpegs + made.pngs,
                made.jpegs,
                made.pngs,
                made.image_bytes as f64 / 1e6,
                made.rooms,
            );
        }
        Command::Push {
            bundle_dir,
            dry_run,
        } => {
            let client = client(&cli)?;
            let outcome = ctl::push_bundle(&client, bundle_dir, *dry_run, |line| {
                eprintln!("{line}");
            })
            .await?;
            print!("{}", ctl::format_push(client.server(), &outcome));
        }
        Command::Kiosks => {
            let list = client(&cli)?.kiosks().await?;
            print!("{}", ctl::format_kiosks(&list, chrono::Utc::now()));
        }
        Command::Wishes { command } => {
            let client = client(&cli)?;
            let (id, action, decision) = match command {
                WishCommand::List { status } => {
                    let status = match status.as_str() {
                        "all" => None,
                        s => Some(s.parse::<WishStatus>().map_err(anyhow::Error::msg)?),
                    };
                    print!("{}", ctl::format_wishes(&client.wishes(status).await?));
                    return Ok(());
                }
                WishCommand::Approve {
                    id,
                    district_wide,
                    note,
                } => (
                    id,
                    Action::Approve,
                    WishDecision {
                        district_wide: *district_wide,
                        note: note.clone(),
                    },
                ),
                WishCommand::Reject { id, note } => (
                    id,
                    Action::Reject,
                    WishDecision {
                        district_wide: false,
                        note: note.clone(),
                    },
                ),
                WishCommand::Fulfil { id, note } => (
                    id,
                    Action::Fulfil,
                    WishDecision {
                        district_wide: false,
                        note: note.clone(),
                    },
                ),
            };
            let row = client.decide_wish(id, action, &decision).await?;
            println!("wish {} is now {}", row.id, row.status.key());
        }
        Command::Claims { command } => {
            let client = client(&cli)?;
            let (id, action, note) = match command {
                ClaimCommand::List { status, wish } => {
                    let status = match status.as_str() {
                        "all" => None,
                        s => Some(s.parse::<ClaimStatus>().map_err(anyhow::Error::msg)?),
                    };
                    let list = client.claims(status, wish.as_deref()).await?;
                    print!("{}", ctl::format_claims(&list));
                    return Ok(());
                }
                ClaimCommand::Match { id, note } => (id, ClaimAction::Match, note),
                ClaimCommand::Decline { id, note } => (id, ClaimAction::Decline, note),
            };
            let decision = ClaimDecision { note: note.clone() };
            let done = client.decide_claim(id, action, &decision).await?;
            println!(
                "claim {} is now {}; wish {} is {}",
                done.claim.id,
                done.claim.status.key(),
                done.wish.id,
                done.wish.status.key()
            );
        }
        Command::Notice { command } => match command {
            NoticeCommand::Post {
                title_zh,
                title_en,
                text_zh,
                text_en,
                from,
                until,
                hours,
                station,
            } => {
                let starts = from.unwrap_or_else(|| chrono::Local::now().fixed_offset());
                let ends_at = match (until, hours) {
                    (Some(until), _) => *until,
                    (None, Some(h)) => starts + chrono::Duration::hours(i64::from(*h)),
                    (None, None) => anyhow::bail!("give --until or --hours"),
                };
                let post = NoticePost {
                    id: district_server::notices::new_id(),
                    title: Text::new(title_zh, title_en),
                    text: Text::new(text_zh, text_en),
                    starts_at: *from,
                    ends_at,
                    station: station.clone(),
                };
                let notice = client(&cli)?.post_notice(&post).await?;
                print!(
                    "posted: {}",
                    ctl::format_notices(&[notice], chrono::Utc::now())
                );
            }
            NoticeCommand::List => {
                let list = client(&cli)?.notices().await?;
                print!("{}", ctl::format_notices(&list.notices, chrono::Utc::now()));
            }
            NoticeCommand::End { id } => {
                let notice = client(&cli)?.end_notice(id).await?;
                println!(
                    "notice {} ended: kiosks take it down with their next poll",
                    notice.id
                );
            }
        },
        Command::Signups { command } => match command {
            SignupCommand::List { event } => {
                let signups = client(&cli)?.signups(event).await?;
                print!("{}", ctl::format_signups(&signups));
            }
            SignupCommand::Cancel { id } => {
                let done = client(&cli)?.cancel_signup(id).await?;
                let cap = done
                    .capacity
                    .map_or("no limit".to_string(), |c| format!("{c} places"));
                println!(
                    "sign-up {} ({} × {}) cancelled; event {} at {} now has {} taken, {cap}",
                    done.signup.id,
                    done.signup.party_size,
                    done.signup.name,
                    done.event,
                    done.start,
                    done.taken
                );
            }
        },
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("kioskctl: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kioskctl: {e:#}");
            ExitCode::FAILURE
        }
    }
}
