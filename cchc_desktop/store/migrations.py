"""Schema versions: an append-only list of migration steps (sqlite-utils Migrations).

Never edit a step that has shipped; add a new one. Each step runs in its own transaction
together with the record of it. `SCHEMA_VERSION` is the number of steps this app knows; a
file that has applied a step this app does not know is from a newer version and is refused.
"""
from sqlite_utils.migrations import Migrations

migrations = Migrations("cchc_desktop")


def _run(db, script: str) -> None:
    # Not executescript(): it commits first, which would break the step's transaction.
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migrations()
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


@migrations()
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
        """,
    )


@migrations()
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


@migrations()
def m005_register_days(db):
    """Withdrawn dossiers marked once (`register.counted`), and the per-day counts a period's
    figures and the month chart read instead of the whole register (store/register.py)."""
    from cchc_desktop.importing.register import is_withdrawn
    from cchc_desktop.store import register

    db.execute("ALTER TABLE register ADD COLUMN counted INTEGER NOT NULL DEFAULT 1")
    # the figures and the chart read register_days now; these only slowed every insert
    db.execute("DROP INDEX register_received")
    db.execute("DROP INDEX register_finished")
    register.mark_withdrawn(db, is_withdrawn)
    db.execute("CREATE INDEX register_withdrawn ON register (unit_code) WHERE counted = 0")
    register.create_day_table(db)


SCHEMA_VERSION = len(migrations._migrations)
KNOWN = [m.name for m in migrations._migrations]
