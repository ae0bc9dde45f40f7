"""Schema versions: an append-only list of migration steps (sqlite-utils Migrations).

Never edit a step that has shipped; add a new one at the end of STEPS, numbered after the
last. Each step runs in its own transaction together with the record of it.
`SCHEMA_VERSION` is the number of steps this app knows; a file that has applied a step this
app does not know is from a newer version and is refused. A file records the steps it applied
by name, so the order of the list decides only the order in which a file applies what it lacks.
"""
import sqlite3
from pathlib import Path

from sqlite_utils.migrations import Migrations

from cchc_desktop.domain.dossiers import is_withdrawn
from cchc_desktop.store import register
from cchc_desktop.store.uri import connect_read_only

migrations = Migrations("cchc_desktop")


def _run(db, script: str) -> None:
    # Not executescript(): it commits first, which would break the step's transaction.
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)


def m001_initial(db):
    _run(
        db,
        """
        CREATE TABLE catalogues (
            version TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            text TEXT NOT NULL,
            added_at TEXT NOT NULL
        );
        CREATE TABLE units (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('xa', 'phuong', 'thi_tran', 'huyen', 'tinh')),
            parent_code TEXT REFERENCES units(code) ON DELETE SET NULL,
            upper_name TEXT NOT NULL DEFAULT '',
            upper_code TEXT NOT NULL DEFAULT '',
            district TEXT NOT NULL DEFAULT '',
            province TEXT NOT NULL DEFAULT '',
            place_name TEXT NOT NULL DEFAULT '',
            signer_name TEXT NOT NULL DEFAULT '',
            signer_title TEXT NOT NULL DEFAULT 'CHỦ TỊCH',
            signing_capacity TEXT NOT NULL DEFAULT 'TM. ỦY BAN NHÂN DÂN',
            recipients TEXT NOT NULL DEFAULT '[]',
            settings TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        );
        CREATE TABLE periods (
            id INTEGER PRIMARY KEY,
            unit_code TEXT NOT NULL REFERENCES units(code) ON DELETE CASCADE,
            year INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('Q1', '6T', 'Q3', '9T', 'NAM')),
            start_date TEXT NOT NULL,
            end_date TEXT NOT NULL,
            deadline TEXT,
            doc_number TEXT NOT NULL DEFAULT '',
            doc_symbol TEXT NOT NULL DEFAULT 'BC-UBND',
            doc_date TEXT,
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'final')),
            catalogue_version TEXT NOT NULL REFERENCES catalogues(version),
            on_time_formula TEXT NOT NULL DEFAULT 'truoc_dung_tren_da_giai_quyet',
            updated_at TEXT NOT NULL,
            UNIQUE (unit_code, year, kind)
        );
        CREATE TABLE indicator_values (
            period_id INTEGER NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
            code TEXT NOT NULL,
            value TEXT,
            note TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (period_id, code)
        );
        CREATE TABLE narratives (
            period_id INTEGER NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
            section TEXT NOT NULL,
            title TEXT,
            text TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (period_id, section)
        );
        CREATE TABLE dossier_rows (
            id INTEGER PRIMARY KEY,
            period_id INTEGER NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
            agency TEXT NOT NULL CHECK (agency IN ('ubnd', 'cong_an', 'quan_su')),
            field TEXT NOT NULL,  -- '' is the agency's typed totals row
            position INTEGER NOT NULL DEFAULT 0,
            truc_tuyen INTEGER CHECK (truc_tuyen >= 0),
            truc_tiep INTEGER CHECK (truc_tiep >= 0),
            ky_truoc INTEGER CHECK (ky_truoc >= 0),
            truoc_han INTEGER CHECK (truoc_han >= 0),
            dung_han INTEGER CHECK (dung_han >= 0),
            qua_han INTEGER CHECK (qua_han >= 0),
            dang_giai_quyet INTEGER CHECK (dang_giai_quyet >= 0),
            dang_qua_han INTEGER CHECK (dang_qua_han >= 0),
            UNIQUE (period_id, agency, field)
        );
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            period_id INTEGER NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
            position INTEGER NOT NULL DEFAULT 0,
            number TEXT NOT NULL DEFAULT '',
            symbol TEXT NOT NULL DEFAULT '',
            date TEXT,
            kind TEXT NOT NULL DEFAULT '',
            summary TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE register (
            unit_code TEXT NOT NULL REFERENCES units(code) ON DELETE CASCADE,
            code TEXT NOT NULL,
            procedure TEXT NOT NULL DEFAULT '',
            field TEXT NOT NULL DEFAULT '',
            agency TEXT NOT NULL DEFAULT '',
            channel TEXT NOT NULL DEFAULT '',
            received_date TEXT,
            due_date TEXT,
            finished_date TEXT,
            status TEXT NOT NULL DEFAULT '',
            imported_at TEXT NOT NULL,
            PRIMARY KEY (unit_code, code)
        );
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user TEXT NOT NULL,
            unit_code TEXT,
            period_id INTEGER,
            target TEXT NOT NULL,
            old TEXT,
            new TEXT
        );
        CREATE INDEX audit_target ON audit (period_id, target);
        CREATE INDEX register_received ON register (unit_code, received_date);
        """
    )


def m002_register_import(db):
    # Header mappings the user confirmed, keyed by a hash of the normalised header cells,
    # and the history of register imports (cchc_desktop/importing/register.py).
    _run(
        db,
        """
        CREATE TABLE register_mappings (
            header_hash TEXT PRIMARY KEY,
            headers TEXT NOT NULL,
            mapping TEXT NOT NULL,
            confirmed_at TEXT NOT NULL,
            user TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE register_imports (
            id INTEGER PRIMARY KEY,
            unit_code TEXT NOT NULL REFERENCES units(code) ON DELETE CASCADE,
            at TEXT NOT NULL,
            user TEXT NOT NULL DEFAULT '',
            file_name TEXT NOT NULL,
            sheet TEXT NOT NULL DEFAULT '',
            header_hash TEXT NOT NULL DEFAULT '',
            rows_read INTEGER NOT NULL DEFAULT 0,
            imported INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            unchanged INTEGER NOT NULL DEFAULT 0,
            skipped INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX register_finished ON register (unit_code, finished_date)
        """
    )


def m003_package_history(db):
    """Hand-off packages imported at the upper level: every version kept as history."""
    _run(
        db,
        """
        CREATE TABLE package_imports (
            id INTEGER PRIMARY KEY,
            unit_code TEXT NOT NULL,
            period_code TEXT NOT NULL,
            package_sha256 TEXT NOT NULL,
            data_sha256 TEXT NOT NULL,
            created_at TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('current', 'superseded')),
            file_name TEXT NOT NULL DEFAULT '',
            manifest TEXT NOT NULL DEFAULT '{}',
            document TEXT NOT NULL
        );
        CREATE INDEX package_imports_unit ON package_imports (unit_code, period_code, status)
        """
    )


def m004_unit_kinds(db):
    """The kinds of 1/7/2025: đặc khu among the communes, thành phố among the provinces. SQLite
    cannot change a CHECK in place: the table is rebuilt (upgrade() turns foreign keys off, so the
    periods that reference it are kept)."""
    if db.execute("PRAGMA foreign_keys").fetchone()[0]:
        # DROP TABLE units would cascade into every period of the file
        raise RuntimeError("m004_unit_kinds needs foreign keys off (database.upgrade turns them off)")
    columns = ("code, name, kind, parent_code, upper_name, upper_code, district, province, place_name, "
               "signer_name, signer_title, signing_capacity, recipients, settings, created_at")
    _run(
        db,
        f"""
        CREATE TABLE units_new (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('xa', 'phuong', 'thi_tran', 'dac_khu', 'huyen', 'tinh', 'thanh_pho')),
            parent_code TEXT REFERENCES units(code) ON DELETE SET NULL,
            upper_name TEXT NOT NULL DEFAULT '',
            upper_code TEXT NOT NULL DEFAULT '',
            district TEXT NOT NULL DEFAULT '',
            province TEXT NOT NULL DEFAULT '',
            place_name TEXT NOT NULL DEFAULT '',
            signer_name TEXT NOT NULL DEFAULT '',
            signer_title TEXT NOT NULL DEFAULT 'CHỦ TỊCH',
            signing_capacity TEXT NOT NULL DEFAULT 'TM. ỦY BAN NHÂN DÂN',
            recipients TEXT NOT NULL DEFAULT '[]',
            settings TEXT NOT NULL DEFAULT '{{}}',
            created_at TEXT NOT NULL
        );
        INSERT INTO units_new ({columns}) SELECT {columns} FROM units ORDER BY rowid;
        DROP TABLE units;
        ALTER TABLE units_new RENAME TO units
        """,
    )


def m005_register_days(db):
    """Withdrawn dossiers marked once (`register.counted`), and the per-day counts a period's
    figures and the month chart read instead of the whole register (store/register.py)."""
    db.execute("ALTER TABLE register ADD COLUMN counted INTEGER NOT NULL DEFAULT 1")
    # the figures and the chart read register_days now; these only slowed every insert
    db.execute("DROP INDEX register_received")
    db.execute("DROP INDEX register_finished")
    register.mark_withdrawn(db, is_withdrawn)
    db.execute("CREATE INDEX register_withdrawn ON register (unit_code) WHERE counted = 0")
    register.create_day_table(db)


def m006_package_keys(db):
    """Signed packages (docs/goi-nop.md): `own_keys` holds the signing key of the file's own unit,
    made when it first writes a package; `commune_keys` the communes' public keys an upper level
    pinned on its first import from each (one current per commune, the earlier ones kept)."""
    _run(
        db,
        """
        CREATE TABLE own_keys (
            unit_code TEXT PRIMARY KEY,
            private_key TEXT NOT NULL,
            public_key TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE commune_keys (
            id INTEGER PRIMARY KEY,
            unit_code TEXT NOT NULL,
            public_key TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            pinned_at TEXT NOT NULL,
            how TEXT NOT NULL CHECK (how IN ('first_use', 'accepted')),
            status TEXT NOT NULL CHECK (status IN ('current', 'retired')),
            file_name TEXT NOT NULL DEFAULT ''
        );
        CREATE UNIQUE INDEX commune_keys_current ON commune_keys (unit_code) WHERE status = 'current'
        """,
    )


def m007_merger_sources(db):
    """The merger year (store/merger.py): the former communes' first-half data a commune formed
    on 1/7/2025 took into a period, and the period's own figures as they were before (former_code '')."""
    _run(
        db,
        """
        CREATE TABLE merger_sources (
            id INTEGER PRIMARY KEY,
            period_id INTEGER NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
            former_code TEXT NOT NULL,
            former_name TEXT NOT NULL,
            source_period TEXT NOT NULL,
            start_date TEXT,
            end_date TEXT,
            file_name TEXT NOT NULL DEFAULT '',
            sha256 TEXT NOT NULL DEFAULT '',
            taken_at TEXT NOT NULL,
            document TEXT NOT NULL,
            UNIQUE (period_id, former_code)
        )
        """,
    )


def m008_package_refusals(db):
    """The packages the upper level refused (docs/goi-nop.md): the submission status says
    "bị từ chối" and why, for a commune whose latest package since its last accepted one was refused.
    `after_import`: the id of the package_imports row that was the latest when it was refused (0: none),
    exact where times to the second are not."""
    _run(
        db,
        """
        CREATE TABLE package_refusals (
            id INTEGER PRIMARY KEY,
            unit_code TEXT NOT NULL,
            period_code TEXT NOT NULL,
            refused_at TEXT NOT NULL,
            file_name TEXT NOT NULL DEFAULT '',
            package_sha256 TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL,
            after_import INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX package_refusals_period ON package_refusals (period_code, unit_code)
        """,
    )


def m009_index_766(db):
    """The QĐ 766 service index (report/index766.py): the register's columns it reads (NULL where the
    export had none: the criterion is then "chưa có số liệu", not zero), their per-day counts
    `register_days_766`, and the values the unit types per period (`index766_values`)."""
    for col, kind in (("online_kind", "TEXT"), ("synced", "INTEGER"), ("digitised", "INTEGER"),
                      ("paid_online", "INTEGER"), ("e_result", "INTEGER"), ("rating", "INTEGER")):
        db.execute(f"ALTER TABLE register ADD COLUMN {col} {kind}")
    register.create_day_table_766(db)
    _run(
        db,
        """
        CREATE TABLE index766_values (
            period_id INTEGER NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            value INTEGER NOT NULL CHECK (value >= 0),
            PRIMARY KEY (period_id, name)
        )
        """,
    )


def m010_accepted_errors(db):
    """The errors of `validate` a unit explicitly accepted for a period, with its reason: an
    error blocks the package until fixed or accepted (issue 17); the package's manifest lists
    the accepted ones. A finding is named by its rule and target (report/rules.py)."""
    _run(
        db,
        """
        CREATE TABLE accepted_errors (
            period_id INTEGER NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
            rule TEXT NOT NULL,
            target TEXT NOT NULL,
            message TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL,
            accepted_at TEXT NOT NULL,
            PRIMARY KEY (period_id, rule, target)
        )
        """,
    )


def m011_par_index(db):
    """The PAR Index self-assessment (issue 21, docs/formats.md): the criteria sets loaded (their
    TOML text, so a year keeps its set), which set a unit uses for a year, the self-score and note
    per criterion (points as text, like indicator values; `appraised`: the province's score), and
    the evidence: a document of the app (`document_id`) or a file copied beside the data file
    (`file_name`, `stored_name`, `sha256`)."""
    _run(
        db,
        """
        CREATE TABLE par_sets (
            version TEXT PRIMARY KEY,
            province TEXT NOT NULL,
            year INTEGER NOT NULL,
            name TEXT NOT NULL,
            text TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            loaded_at TEXT NOT NULL
        );
        CREATE TABLE par_use (
            unit_code TEXT NOT NULL,
            year INTEGER NOT NULL,
            set_version TEXT NOT NULL REFERENCES par_sets(version),
            PRIMARY KEY (unit_code, year)
        );
        CREATE TABLE par_scores (
            unit_code TEXT NOT NULL,
            year INTEGER NOT NULL,
            code TEXT NOT NULL,
            score TEXT,
            note TEXT NOT NULL DEFAULT '',
            appraised TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (unit_code, year, code)
        );
        CREATE TABLE par_evidence (
            id INTEGER PRIMARY KEY,
            unit_code TEXT NOT NULL,
            year INTEGER NOT NULL,
            code TEXT NOT NULL,
            document_id INTEGER,
            file_name TEXT NOT NULL DEFAULT '',
            stored_name TEXT NOT NULL DEFAULT '',
            sha256 TEXT NOT NULL DEFAULT '',
            added_at TEXT NOT NULL
        );
        CREATE INDEX par_evidence_code ON par_evidence (unit_code, year, code)
        """,
    )


def m012_par_appraisal(db):
    """The PAR Index at the upper level (issue 21): a commune's self-assessment as its package
    brought it (`par_submissions`: the set it scored against, its copy of the set's text, and what
    did not fit the upper level's own copy of that year's set, `flag`), the appraiser's note beside
    the appraised score (`par_scores.appraised_note`), and a document cited as evidence by its
    number and date when the document itself lives in the commune's file (`par_evidence.document_text`)."""
    _run(
        db,
        """
        CREATE TABLE par_submissions (
            unit_code TEXT NOT NULL,
            year INTEGER NOT NULL,
            set_version TEXT NOT NULL,
            set_name TEXT NOT NULL DEFAULT '',
            set_text TEXT NOT NULL DEFAULT '',
            flag TEXT NOT NULL DEFAULT '',
            period_code TEXT NOT NULL DEFAULT '',
            imported_at TEXT NOT NULL,
            PRIMARY KEY (unit_code, year)
        );
        ALTER TABLE par_scores ADD COLUMN appraised_note TEXT NOT NULL DEFAULT '';
        ALTER TABLE par_evidence ADD COLUMN document_text TEXT NOT NULL DEFAULT ''
        """,
    )


def m013_index_766_received(db):
    """The QĐ 766 figures a commune's package carries (report/index766_province.py): per period of a
    commune at the upper level, the index file version and window it was counted with
    (`index766_received`: a period without a row had no section, "chưa có số liệu") and the register
    measures' counts (`index766_counts`); its typed values go to `index766_values` like a unit's own."""
    _run(
        db,
        """
        CREATE TABLE index766_received (
            period_id INTEGER PRIMARY KEY REFERENCES periods(id) ON DELETE CASCADE,
            version TEXT NOT NULL,
            start_date TEXT NOT NULL,
            end_date TEXT NOT NULL
        );
        CREATE TABLE index766_counts (
            period_id INTEGER NOT NULL REFERENCES index766_received(period_id) ON DELETE CASCADE,
            measure TEXT NOT NULL,
            numerator INTEGER NOT NULL CHECK (numerator >= 0),
            denominator INTEGER NOT NULL CHECK (denominator >= 0),
            known INTEGER NOT NULL CHECK (known >= 0),
            concerned INTEGER NOT NULL CHECK (concerned >= 0),
            PRIMARY KEY (period_id, measure)
        )
        """,
    )


def m014_own_figures(db):
    """The unit's own printed figure of a typed row where the figure stored differs (issue 17):
    the seed printed 3.523 triệu đồng in BM6 1.2 where its text gives 3.523.681.000 đồng. Kept
    beside the value, never used in a figure; a computed row keeps its own figure as its value
    (report/corrections.py)."""
    db.execute("ALTER TABLE indicator_values ADD COLUMN own TEXT")


STEPS = (m001_initial, m002_register_import, m003_package_history, m004_unit_kinds, m005_register_days,
         m006_package_keys, m007_merger_sources, m008_package_refusals, m009_index_766,
         m010_accepted_errors, m011_par_index, m012_par_appraisal, m013_index_766_received, m014_own_figures)
for _step in STEPS:
    migrations()(_step)
SCHEMA_VERSION = len(STEPS)
KNOWN = [s.__name__ for s in STEPS]


def applied_names(conn: sqlite3.Connection) -> list[str]:
    """The steps a file applied, in the order it applied them (read-only; [] for a file of none)."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                    [Migrations.migrations_table]).fetchone() is None:
        return []
    return [r[0] for r in conn.execute(
        f"SELECT name FROM {Migrations.migrations_table} WHERE migration_set = ? ORDER BY rowid", [migrations.name])]


def _read_only(path: Path) -> sqlite3.Connection:
    return connect_read_only(path)


def applied_in_file(path: str | Path) -> list[str]:
    """applied_names of the file at `path`, opened read-only ([] when it cannot be read)."""
    try:
        conn = _read_only(path)
    except (OSError, sqlite3.Error):
        return []
    try:
        return applied_names(conn)
    except sqlite3.Error:
        return []
    finally:
        conn.close()


def needs_upgrade(path: str | Path) -> bool:
    """True when opening the file would upgrade it (its schema mark, user_version, is older than
    this app's); True too when it cannot be read (open_store then says what is wrong)."""
    p = Path(path)
    try:
        if not p.is_file() or p.stat().st_size == 0:
            return False
        conn = _read_only(p)
    except (OSError, sqlite3.Error):
        return True
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION
    except sqlite3.Error:
        return True
    finally:
        conn.close()
