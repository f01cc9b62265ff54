//! The `roundtable` command: `serve` (the default) and the administrator's verbs.

use std::process::ExitCode;

use actix_web::{HttpServer, web};
use clap::{Parser, Subcommand};
use roundtable::auth::store;
use roundtable::cli::{self, UserAdd};
use roundtable::config::{EnvSettings, Settings};
use roundtable::error::Error;
use roundtable::{AppState, build_app, db};

/// Roundtable runs the governance of a multi-stakeholder coalition: membership, the rotating
/// secretariat, meetings, joint statements and the mailing list.
///
/// Every setting comes from the environment (or a .env file in the working folder).
#[derive(Parser)]
#[command(name = "roundtable", version)]
struct Cli {
    #[command(flatten)]
    env: EnvSettings,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DemoScale {
    Small,
    Large,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web pages, the JSON API and the calendar feeds (the default).
    Serve,
    /// Run the database migrations, then exit.
    Migrate,
    /// Build the example coalition in an empty database and print how to sign in.
    Demo {
        /// small: the demo's fourteen members, to try the product; large: grown to 400
        /// members and ten years of records, to measure it (takes minutes).
        #[arg(long, value_enum, default_value = "small")]
        scale: DemoScale,
    },
    /// People.
    #[command(subcommand)]
    User(UserCommand),
    /// Personal API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// The audit record.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The mail outbox.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Copy the whole database to a file while the service runs, and verify the copy.
    Backup {
        /// The file to write (an existing one is replaced only once the new copy is whole).
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Restore a backup into this (new, empty) database, SQLite or PostgreSQL.
    Restore {
        /// The backup file.
        #[arg(long)]
        from: std::path::PathBuf,
    },
    /// The complaints procedure.
    #[command(subcommand)]
    Complaints(ComplaintsCommand),
}

#[derive(Subcommand)]
enum ComplaintsCommand {
    /// Erase the content of closed complaints past their retention period (the scheduler
    /// does this daily), keeping the reference, dates, stages, outcome and lesson learned.
    Purge {
        /// Only list what would be erased.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum MailCommand {
    /// Deliver everything the outbox holds that is due now, then exit.
    Send,
    /// Run a local SMTP receiver that writes every mail it gets to a folder (for trying
    /// Roundtable with SMTP_URL=smtp://127.0.0.1:2525; no relaying, loopback only).
    Sink {
        #[arg(long, default_value = "127.0.0.1:2525")]
        listen: String,
        #[arg(long, default_value = "./data/sink")]
        folder: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a person. On an empty database, also names the coalition and makes the person its
    /// first administrator.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        /// Make the person an administrator.
        #[arg(long)]
        admin: bool,
        /// The coalition's name (needed when nobody exists yet).
        #[arg(long)]
        coalition_name: Option<String>,
        /// The coalition's time zone, for the first-run set-up.
        #[arg(long, default_value = "Europe/Brussels")]
        time_zone: String,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Print a link to choose a new password (for an administrator locked out; shown here
    /// only, never mailed).
    Reset {
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a personal API token for a person and print it.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "command line")]
        label: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the hash chain and name the first broken event, if any.
    Verify {
        /// A head of the chain someone kept (from the audit page, approved minutes or a
        /// statement receipt), as SEQ:HASH: the record must still hold it.
        #[arg(long)]
        witness: Option<String>,
    },
}

fn main() -> ExitCode {
    // First of all, before any thread allocates: may start this program again, once.
    roundtable::allocator::settle();
    // A missing .env file is normal; a broken one is not silently half-read.
    if let Err(e) = dotenvy::dotenv()
        && !e.not_found()
    {
        eprintln!("error: cannot read .env: {e}");
        return ExitCode::from(78);
    }
    let cli = Cli::parse();
    roundtable::web::logs::init(cli.env.log_format == roundtable::config::LogFormat::Json);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match std::error::Error::source(&e) {
                Some(source) => eprintln!("error: {e}: {source}"),
                None => eprintln!("error: {e}"),
            }
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(1))
        }
    }
}

fn run(cli: Cli) -> Result<(), Error> {
    if let Some(Command::Mail(MailCommand::Sink { listen, folder })) = &cli.command {
        return mail_sink(listen, folder);
    }
    let settings = Settings::resolve(&cli.env)?;
    let state = AppState::open(settings)?;
    cli::upgrade_data(&state)?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(state),
        Command::Migrate => {
            // Opening the state ran them.
            let url = db::DbUrl::parse(&state.settings.database_url)?;
            println!("The {} database is up to date.", url.backend_name());
            Ok(())
        }
        Command::Demo { scale } => cli::demo(&state, scale == DemoScale::Large),
        Command::User(UserCommand::Add {
            name,
            email,
            admin,
            coalition_name,
            time_zone,
            password_stdin,
        }) => cli::user_add(
            &state,
            UserAdd {
                name,
                email,
                admin,
                coalition_name,
                time_zone,
                password_stdin,
            },
        ),
        Command::User(UserCommand::Reset { email }) => cli::user_reset(&state, &email),
        Command::Token(TokenCommand::Create { email, label }) => {
            cli::token_create(&state, &email, &label)
        }
        Command::Audit(AuditCommand::Verify { witness }) => {
            cli::audit_verify(&state, witness.as_deref())
        }
        Command::Mail(MailCommand::Send) => mail_send(state),
        Command::Backup { to } => cli::backup(&state, &to),
        Command::Restore { from } => cli::restore(&state, &from),
        Command::Complaints(ComplaintsCommand::Purge { dry_run }) => {
            cli::complaints_purge(&state, dry_run)
        }
        Command::Mail(MailCommand::Sink { .. }) => Ok(()),
    }
}

#[actix_web::main]
async fn serve(state: AppState) -> Result<(), Error> {
    let bind = state.settings.bind.clone();
    {
        let mut conn = state.pool.get()?;
        if let Some(token) = store::issue_setup_link(&mut conn, state.settings.setup_link_valid)? {
            println!();
            println!("Roundtable is not set up yet. Open this link to name the coalition and");
            println!("create the first administrator (it works once, for 24 hours):");
            println!();
            println!("    {}/setup/{token}", state.settings.base_url);
            println!();
        }
    }
    let data = web::Data::new(state);
    tracing::info!(
        "serving on http://{bind} ({}); mail goes to {}",
        data.settings.base_url,
        data.mail.describe()
    );
    roundtable::schedule::spawn(data.clone());
    // A database call waits for one of the pool's connections anyway: more blocking threads
    // than connections would only wait, each holding its own allocator arena (on the large
    // coalition, 86 threads and 250 MB at 64 connections). So as many as there are
    // connections, shared among the workers.
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let pool_size = usize::try_from(data.settings.db_pool_size).unwrap_or(8);
    HttpServer::new(move || build_app(data.clone()))
        .workers(workers)
        .worker_max_blocking_threads(pool_size.div_ceil(workers).max(2))
        // A page compressed as it goes out leaves in several writes: the last, short one must
        // not wait for the client to acknowledge the others (Nagle's rule meeting a delayed
        // ACK held every such page 40 ms).
        .tcp_nodelay(true)
        .bind(&bind)
        .map_err(|e| Error::Config(format!("cannot listen on {bind}: {e}")))?
        // On SIGTERM or Ctrl-C: stop accepting, let requests in flight finish for up to this
        // long, then close what is left.
        .shutdown_timeout(SHUTDOWN_DEADLINE_SECONDS)
        .run()
        .await
        .map_err(|e| Error::Internal(format!("server stopped: {e}")))?;
    tracing::info!("stopped");
    // Work handed to blocking threads (a database call) must not hold the process past the
    // deadline: its transaction is rolled back by the database when the connection closes.
    std::process::exit(0)
}

/// Seconds `serve` gives requests in flight once asked to stop.
const SHUTDOWN_DEADLINE_SECONDS: u64 = 5;

#[actix_web::main]
async fn mail_send(state: AppState) -> Result<(), Error> {
    let data = web::Data::new(state);
    let (_, report) =
        roundtable::schedule::run_once(&data, &roundtable::mail::worker::worker_name()).await?;
    println!(
        "Mail sent: {}, to retry later: {}, failed: {} ({}).",
        report.sent,
        report.retried,
        report.failed,
        data.mail.describe()
    );
    Ok(())
}

fn mail_sink(listen: &str, folder: &std::path::Path) -> Result<(), Error> {
    let sink = roundtable::mail::sink::Sink::start(
        listen,
        Some(folder.to_path_buf()),
        roundtable::mail::sink::Cores::Shared,
    )
    .map_err(|e| Error::Config(format!("cannot listen on {listen}: {e}")))?;
    println!(
        "Receiving mail on {} (SMTP_URL={}); each mail goes to {}. Stop with Ctrl-C.",
        listen,
        sink.url(),
        folder.display()
    );
    loop {
        std::thread::park();
    }
}
