"""initial schema: every table of CinemaOS

Portable across PostgreSQL and SQLite. On PostgreSQL it also installs the guarantees that
only PostgreSQL can give: the exclusion constraint that keeps showtimes of one screen from
overlapping (cleaning buffer included), and trigram indexes for catalogue search.

Revision ID: 0001_initial
Revises: 
Create Date: 2026-11-24 15:27:44.115511

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if _is_postgresql():
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table('age_ratings',
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=False),
    sa.Column('family_friendly', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.CheckConstraint('min_age >= 0 AND min_age <= 21', name=op.f('ck_age_ratings_min_age_range')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_age_ratings'))
    )
    op.create_table('cinemas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('address_line', sa.String(length=200), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('postal_code', sa.String(length=20), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('tax_rate', sa.Numeric(precision=5, scale=4), nullable=False),
    sa.Column('vat_number', sa.String(length=40), nullable=True),
    sa.Column('cleaning_buffer_minutes', sa.Integer(), nullable=False),
    sa.Column('opening_hours', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('prevent_single_seat_gaps', sa.Boolean(), nullable=False),
    sa.Column('refund_cutoff_hours', sa.Integer(), nullable=False),
    sa.Column('price_multiplier_min', sa.Numeric(precision=4, scale=3), nullable=False),
    sa.Column('price_multiplier_max', sa.Numeric(precision=4, scale=3), nullable=False),
    sa.Column('price_floor_minor', sa.Integer(), nullable=True),
    sa.Column('price_cap_minor', sa.Integer(), nullable=True),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint('cleaning_buffer_minutes BETWEEN 0 AND 120', name=op.f('ck_cinemas_cleaning_range')),
    sa.CheckConstraint('length(currency) = 3', name=op.f('ck_cinemas_currency_iso')),
    sa.CheckConstraint('price_multiplier_min > 0 AND price_multiplier_min <= price_multiplier_max', name=op.f('ck_cinemas_multiplier_grid')),
    sa.CheckConstraint('refund_cutoff_hours >= 0', name=op.f('ck_cinemas_refund_cutoff_positive')),
    sa.CheckConstraint('tax_rate >= 0 AND tax_rate < 1', name=op.f('ck_cinemas_tax_rate_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cinemas')),
    sa.UniqueConstraint('name', name=op.f('uq_cinemas_name'))
    )
    op.create_table('genres',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_genres')),
    sa.UniqueConstraint('name', name=op.f('uq_genres_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_genres_slug'))
    )
    op.create_table('payment_events',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('type', sa.String(length=60), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_events'))
    )
    op.create_table('promo_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('valid_from', sa.DateTime(timezone=True), nullable=True),
    sa.Column('valid_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('max_uses', sa.Integer(), nullable=True),
    sa.Column('max_uses_per_customer', sa.Integer(), nullable=True),
    sa.Column('uses_count', sa.Integer(), nullable=False),
    sa.Column('min_tickets', sa.Integer(), nullable=False),
    sa.Column('movie_ids', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('cinema_ids', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('combinable', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("kind <> 'percent' OR value <= 100", name=op.f('ck_promo_codes_percent_bounded')),
    sa.CheckConstraint("kind IN ('percent', 'fixed')", name=op.f('ck_promo_codes_kind_known')),
    sa.CheckConstraint("scope IN ('ticket', 'basket')", name=op.f('ck_promo_codes_scope_known')),
    sa.CheckConstraint('max_uses IS NULL OR uses_count <= max_uses', name=op.f('ck_promo_codes_uses_within_limit')),
    sa.CheckConstraint('uses_count >= 0', name=op.f('ck_promo_codes_uses_positive')),
    sa.CheckConstraint('value > 0', name=op.f('ck_promo_codes_value_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promo_codes')),
    sa.UniqueConstraint('code', name=op.f('uq_promo_codes_code'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=100), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sessions_valid_after', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_users_email_lowercase')),
    sa.CheckConstraint("role IN ('customer', 'staff', 'manager', 'admin')", name=op.f('ck_users_role_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('uq_users_email', ['email'], unique=True)

    op.create_table('idempotency_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('response_body', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_idempotency_records_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_records')),
    sa.UniqueConstraint('user_id', 'key', name='uq_idempotency_user_key')
    )
    op.create_table('invoice_counters',
    sa.Column('cinema_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cinema_id'], ['cinemas.id'], name=op.f('fk_invoice_counters_cinema_id_cinemas'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cinema_id', 'year', name=op.f('pk_invoice_counters'))
    )
    op.create_table('movies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('original_title', sa.String(length=200), nullable=True),
    sa.Column('synopsis', sa.Text(), nullable=False),
    sa.Column('runtime_minutes', sa.Integer(), nullable=False),
    sa.Column('trailer_minutes', sa.Integer(), nullable=False),
    sa.Column('release_date', sa.Date(), nullable=False),
    sa.Column('end_of_run', sa.Date(), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('age_rating', sa.String(length=10), nullable=False),
    sa.Column('director', sa.String(length=120), nullable=True),
    sa.Column('cast', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('poster_key', sa.String(length=300), nullable=True),
    sa.Column('trailer_url', sa.String(length=500), nullable=True),
    sa.Column('distributor_terms', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("status IN ('active', 'archived')", name=op.f('ck_movies_status_known')),
    sa.CheckConstraint('runtime_minutes BETWEEN 1 AND 600', name=op.f('ck_movies_runtime_range')),
    sa.CheckConstraint('trailer_minutes BETWEEN 0 AND 60', name=op.f('ck_movies_trailer_range')),
    sa.ForeignKeyConstraint(['age_rating'], ['age_ratings.code'], name=op.f('fk_movies_age_rating_age_ratings'), onupdate='CASCADE', ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_movies'))
    )
    with op.batch_alter_table('movies', schema=None) as batch_op:
        batch_op.create_index('ix_movies_age_rating', ['age_rating'], unique=False)
        batch_op.create_index('ix_movies_language', ['language'], unique=False)
        batch_op.create_index('ix_movies_release_date', ['release_date'], unique=False)
        batch_op.create_index('ix_movies_status_release', ['status', 'release_date'], unique=False)

    op.create_table('one_time_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint("purpose IN ('password_reset', 'email_verify')", name=op.f('ck_one_time_tokens_purpose_known')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_one_time_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_one_time_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_one_time_tokens_token_hash'))
    )
    with op.batch_alter_table('one_time_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_one_time_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('optimisation_runs',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('cinema_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('options', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('result', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('rq_job_id', sa.String(length=64), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'succeeded', 'failed')", name=op.f('ck_optimisation_runs_status_known')),
    sa.CheckConstraint('days BETWEEN 1 AND 28', name=op.f('ck_optimisation_runs_days_range')),
    sa.ForeignKeyConstraint(['cinema_id'], ['cinemas.id'], name=op.f('fk_optimisation_runs_cinema_id_cinemas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_optimisation_runs_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_optimisation_runs'))
    )
    with op.batch_alter_table('optimisation_runs', schema=None) as batch_op:
        batch_op.create_index('ix_optimisation_runs_cinema_status', ['cinema_id', 'status'], unique=False)

    op.create_table('pricing_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cinema_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('multiplier', sa.Numeric(precision=6, scale=4), nullable=False),
    sa.Column('conditions', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('valid_from', sa.DateTime(timezone=True), nullable=True),
    sa.Column('valid_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("kind IN ('ticket_type', 'format', 'weekday', 'holiday', 'matinee', 'late_night')", name=op.f('ck_pricing_rules_kind_known')),
    sa.CheckConstraint('multiplier > 0 AND multiplier <= 10', name=op.f('ck_pricing_rules_multiplier_range')),
    sa.ForeignKeyConstraint(['cinema_id'], ['cinemas.id'], name=op.f('fk_pricing_rules_cinema_id_cinemas'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pricing_rules'))
    )
    with op.batch_alter_table('pricing_rules', schema=None) as batch_op:
        batch_op.create_index('ix_pricing_rules_cinema_kind', ['cinema_id', 'kind'], unique=False)

    op.create_table('refresh_token_families',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('current_jti', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('last_rotated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_reason', sa.String(length=40), nullable=True),
    sa.Column('user_agent', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_refresh_token_families_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refresh_token_families'))
    )
    with op.batch_alter_table('refresh_token_families', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refresh_token_families_user_id'), ['user_id'], unique=False)

    op.create_table('screens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cinema_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('formats', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('wheelchair_accessible', sa.Boolean(), nullable=False),
    sa.Column('hearing_loop', sa.Boolean(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['cinema_id'], ['cinemas.id'], name=op.f('fk_screens_cinema_id_cinemas'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screens')),
    sa.UniqueConstraint('cinema_id', 'name', name='uq_screens_cinema_name')
    )
    with op.batch_alter_table('screens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screens_cinema_id'), ['cinema_id'], unique=False)

    op.create_table('user_cinemas',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('cinema_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cinema_id'], ['cinemas.id'], name=op.f('fk_user_cinemas_cinema_id_cinemas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_cinemas_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'cinema_id', name=op.f('pk_user_cinemas'))
    )
    with op.batch_alter_table('user_cinemas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_cinemas_cinema_id'), ['cinema_id'], unique=False)

    op.create_table('movie_formats',
    sa.Column('movie_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=4), nullable=False),
    sa.CheckConstraint("format IN ('2D', '3D', 'IMAX', '4DX')", name=op.f('ck_movie_formats_format_known')),
    sa.ForeignKeyConstraint(['movie_id'], ['movies.id'], name=op.f('fk_movie_formats_movie_id_movies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('movie_id', 'format', name=op.f('pk_movie_formats'))
    )
    with op.batch_alter_table('movie_formats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_movie_formats_format'), ['format'], unique=False)

    op.create_table('movie_genres',
    sa.Column('movie_id', sa.Integer(), nullable=False),
    sa.Column('genre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['genre_id'], ['genres.id'], name=op.f('fk_movie_genres_genre_id_genres'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['movie_id'], ['movies.id'], name=op.f('fk_movie_genres_movie_id_movies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('movie_id', 'genre_id', name=op.f('pk_movie_genres'))
    )
    with op.batch_alter_table('movie_genres', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_movie_genres_genre_id'), ['genre_id'], unique=False)

    op.create_table('screen_closures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('screen_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_screen_closures_ends_after_start')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_screen_closures_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['screen_id'], ['screens.id'], name=op.f('fk_screen_closures_screen_id_screens'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screen_closures'))
    )
    with op.batch_alter_table('screen_closures', schema=None) as batch_op:
        batch_op.create_index('ix_screen_closures_screen_time', ['screen_id', 'starts_at', 'ends_at'], unique=False)

    op.create_table('seat_category_prices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cinema_id', sa.Integer(), nullable=False),
    sa.Column('screen_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=12), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint('amount_minor >= 0', name=op.f('ck_seat_category_prices_amount_positive')),
    sa.ForeignKeyConstraint(['cinema_id'], ['cinemas.id'], name=op.f('fk_seat_category_prices_cinema_id_cinemas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['screen_id'], ['screens.id'], name=op.f('fk_seat_category_prices_screen_id_screens'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seat_category_prices'))
    )
    with op.batch_alter_table('seat_category_prices', schema=None) as batch_op:
        batch_op.create_index('uq_seat_category_prices_scope', ['cinema_id', 'screen_id', 'category'], unique=True, postgresql_nulls_not_distinct=True)

    op.create_table('seats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('screen_id', sa.Integer(), nullable=False),
    sa.Column('row_label', sa.String(length=4), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('grid_row', sa.Integer(), nullable=False),
    sa.Column('grid_col', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=12), nullable=False),
    sa.Column('is_wheelchair', sa.Boolean(), nullable=False),
    sa.Column('is_companion', sa.Boolean(), nullable=False),
    sa.Column('is_blocked', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint("category IN ('standard', 'premium', 'vip', 'wheelchair', 'companion', 'love_seat')", name=op.f('ck_seats_category_known')),
    sa.CheckConstraint('number > 0', name=op.f('ck_seats_number_positive')),
    sa.ForeignKeyConstraint(['screen_id'], ['screens.id'], name=op.f('fk_seats_screen_id_screens'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seats'))
    )
    with op.batch_alter_table('seats', schema=None) as batch_op:
        batch_op.create_index('ix_seats_screen_active', ['screen_id', 'active'], unique=False)
        batch_op.create_index('uq_seats_active_label', ['screen_id', 'row_label', 'number'], unique=True, postgresql_where=sa.text("active"), sqlite_where=sa.text("active"))

    op.create_table('showtimes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('movie_id', sa.Integer(), nullable=False),
    sa.Column('screen_id', sa.Integer(), nullable=False),
    sa.Column('cinema_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('format', sa.String(length=4), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('subtitles', sa.String(length=8), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('optimisation_run_id', sa.String(length=36), nullable=True),
    sa.Column('dynamic_multiplier', sa.Numeric(precision=4, scale=3), nullable=False),
    sa.Column('price_frozen', sa.Boolean(), nullable=False),
    sa.Column('price_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("source IN ('manual', 'generated')", name=op.f('ck_showtimes_source_known')),
    sa.CheckConstraint("status IN ('scheduled', 'cancelled')", name=op.f('ck_showtimes_status_known')),
    sa.CheckConstraint('blocked_until >= ends_at', name=op.f('ck_showtimes_blocked_after_end')),
    sa.CheckConstraint('dynamic_multiplier > 0 AND dynamic_multiplier <= 10', name=op.f('ck_showtimes_multiplier_range')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_showtimes_ends_after_start')),
    sa.ForeignKeyConstraint(['cinema_id'], ['cinemas.id'], name=op.f('fk_showtimes_cinema_id_cinemas'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_showtimes_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['movie_id'], ['movies.id'], name=op.f('fk_showtimes_movie_id_movies'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['optimisation_run_id'], ['optimisation_runs.id'], name=op.f('fk_showtimes_optimisation_run_id_optimisation_runs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['screen_id'], ['screens.id'], name=op.f('fk_showtimes_screen_id_screens'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_showtimes'))
    )
    with op.batch_alter_table('showtimes', schema=None) as batch_op:
        batch_op.create_index('ix_showtimes_cinema_starts', ['cinema_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_showtimes_movie_starts', ['movie_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_showtimes_screen_starts', ['screen_id', 'starts_at'], unique=False)

    op.create_table('bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=12), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('showtime_id', sa.Integer(), nullable=False),
    sa.Column('hold_id', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('subtotal_minor', sa.Integer(), nullable=False),
    sa.Column('discount_minor', sa.Integer(), nullable=False),
    sa.Column('total_minor', sa.Integer(), nullable=False),
    sa.Column('promo_code_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.String(length=40), nullable=True),
    sa.Column('refund_due_minor', sa.Integer(), nullable=False),
    sa.Column('refunded_minor', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("status IN ('pending_payment', 'confirmed', 'cancelled', 'expired')", name=op.f('ck_bookings_status_known')),
    sa.CheckConstraint('discount_minor >= 0', name=op.f('ck_bookings_discount_positive')),
    sa.CheckConstraint('length(currency) = 3', name=op.f('ck_bookings_currency_iso')),
    sa.CheckConstraint('refund_due_minor >= 0', name=op.f('ck_bookings_refund_due_positive')),
    sa.CheckConstraint('total_minor >= 0', name=op.f('ck_bookings_total_positive')),
    sa.ForeignKeyConstraint(['promo_code_id'], ['promo_codes.id'], name=op.f('fk_bookings_promo_code_id_promo_codes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['showtime_id'], ['showtimes.id'], name=op.f('fk_bookings_showtime_id_showtimes'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_bookings_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bookings')),
    sa.UniqueConstraint('hold_id', name=op.f('uq_bookings_hold_id')),
    sa.UniqueConstraint('reference', name=op.f('uq_bookings_reference'))
    )
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.create_index('ix_bookings_pending_expiry', ['expires_at'], unique=False, postgresql_where=sa.text("status = 'pending_payment'"), sqlite_where=sa.text("status = 'pending_payment'"))
        batch_op.create_index('ix_bookings_showtime_status', ['showtime_id', 'status'], unique=False)
        batch_op.create_index('ix_bookings_user_created', ['user_id', 'created_at'], unique=False)

    op.create_table('price_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('showtime_id', sa.Integer(), nullable=False),
    sa.Column('old_multiplier', sa.Numeric(precision=4, scale=3), nullable=False),
    sa.Column('new_multiplier', sa.Numeric(precision=4, scale=3), nullable=False),
    sa.Column('reason', sa.String(length=60), nullable=False),
    sa.Column('details', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['showtime_id'], ['showtimes.id'], name=op.f('fk_price_changes_showtime_id_showtimes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_changes'))
    )
    with op.batch_alter_table('price_changes', schema=None) as batch_op:
        batch_op.create_index('ix_price_changes_showtime_time', ['showtime_id', 'created_at'], unique=False)

    op.create_table('booking_seats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('showtime_id', sa.Integer(), nullable=False),
    sa.Column('seat_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=12), nullable=False),
    sa.Column('ticket_type', sa.String(length=10), nullable=False),
    sa.Column('price_minor', sa.Integer(), nullable=False),
    sa.Column('price_trace', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('refunded_minor', sa.Integer(), nullable=False),
    sa.CheckConstraint("ticket_type IN ('adult', 'child', 'senior', 'student')", name=op.f('ck_booking_seats_ticket_type_known')),
    sa.CheckConstraint('price_minor >= 0', name=op.f('ck_booking_seats_price_positive')),
    sa.CheckConstraint('refunded_minor >= 0 AND refunded_minor <= price_minor', name=op.f('ck_booking_seats_refund_bounded')),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_booking_seats_booking_id_bookings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['seat_id'], ['seats.id'], name=op.f('fk_booking_seats_seat_id_seats'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['showtime_id'], ['showtimes.id'], name=op.f('fk_booking_seats_showtime_id_showtimes'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_seats'))
    )
    with op.batch_alter_table('booking_seats', schema=None) as batch_op:
        batch_op.create_index('ix_booking_seats_booking', ['booking_id'], unique=False)
        batch_op.create_index('uq_booking_seats_active', ['showtime_id', 'seat_id'], unique=True, postgresql_where=sa.text("active"), sqlite_where=sa.text("active"))

    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('provider', sa.String(length=10), nullable=False),
    sa.Column('provider_payment_id', sa.String(length=100), nullable=True),
    sa.Column('idempotency_key', sa.String(length=100), nullable=True),
    sa.Column('failure_code', sa.String(length=60), nullable=True),
    sa.Column('failure_message', sa.String(length=300), nullable=True),
    sa.Column('refunded_minor', sa.Integer(), nullable=False),
    sa.Column('succeeded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("status IN ('pending', 'requires_action', 'succeeded', 'failed', 'refunded', 'partially_refunded')", name=op.f('ck_payments_status_known')),
    sa.CheckConstraint('amount_minor > 0', name=op.f('ck_payments_amount_positive')),
    sa.CheckConstraint('length(currency) = 3', name=op.f('ck_payments_currency_iso')),
    sa.CheckConstraint('refunded_minor >= 0 AND refunded_minor <= amount_minor', name=op.f('ck_payments_refund_bounded')),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_payments_booking_id_bookings'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_payments_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('provider_payment_id', name=op.f('uq_payments_provider_payment_id'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index('ix_payments_booking', ['booking_id'], unique=False)
        batch_op.create_index('ix_payments_user', ['user_id'], unique=False)

    op.create_table('promo_redemptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('promo_code_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_promo_redemptions_booking_id_bookings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['promo_code_id'], ['promo_codes.id'], name=op.f('fk_promo_redemptions_promo_code_id_promo_codes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_promo_redemptions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promo_redemptions'))
    )
    with op.batch_alter_table('promo_redemptions', schema=None) as batch_op:
        batch_op.create_index('ix_promo_redemptions_code_user', ['promo_code_id', 'user_id'], unique=False)
        batch_op.create_index('uq_promo_redemptions_booking', ['booking_id', 'promo_code_id'], unique=True)

    op.create_table('refunds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=60), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('provider_refund_id', sa.String(length=100), nullable=True),
    sa.Column('booking_seat_ids', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('seat_amounts', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('request_key', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'succeeded', 'failed')", name=op.f('ck_refunds_status_known')),
    sa.CheckConstraint('amount_minor > 0', name=op.f('ck_refunds_amount_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_refunds_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_refunds_payment_id_payments'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds')),
    sa.UniqueConstraint('provider_refund_id', name=op.f('uq_refunds_provider_refund_id'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index('ix_refunds_payment', ['payment_id'], unique=False)
        batch_op.create_index('ix_refunds_request_key', ['created_by_id', 'request_key'], unique=False)

    op.create_table('invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('cinema_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('refund_id', sa.Integer(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total_minor', sa.Integer(), nullable=False),
    sa.Column('tax_minor', sa.Integer(), nullable=False),
    sa.Column('lines', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('seller', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('storage_key', sa.String(length=300), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.CheckConstraint("kind IN ('invoice', 'credit_note')", name=op.f('ck_invoices_kind_known')),
    sa.ForeignKeyConstraint(['cinema_id'], ['cinemas.id'], name=op.f('fk_invoices_cinema_id_cinemas'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_invoices_payment_id_payments'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['refund_id'], ['refunds.id'], name=op.f('fk_invoices_refund_id_refunds'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('cinema_id', 'year', 'sequence', name='uq_invoices_cinema_year_seq'),
    sa.UniqueConstraint('number', name=op.f('uq_invoices_number'))
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index('ix_invoices_payment', ['payment_id'], unique=False)

    if _is_postgresql():
        _create_postgresql_guarantees()


def _create_postgresql_guarantees():
    # Two live showtimes of one screen never overlap, cleaning buffer included, even when
    # two managers write at the same instant: the database refuses the second.
    op.execute(
        "ALTER TABLE showtimes ADD CONSTRAINT ex_showtimes_screen_no_overlap "
        "EXCLUDE USING gist (screen_id WITH =, tstzrange(starts_at, blocked_until, '[)') WITH &&) "
        "WHERE (status = 'scheduled')"
    )
    # Catalogue search: substring/fuzzy matches on titles use these trigram indexes.
    op.execute("CREATE INDEX ix_movies_title_trgm ON movies USING gin (lower(title) gin_trgm_ops)")
    op.execute(
        "CREATE INDEX ix_movies_original_title_trgm ON movies "
        "USING gin (lower(original_title) gin_trgm_ops)"
    )


def downgrade():
    if _is_postgresql():
        op.execute("DROP INDEX IF EXISTS ix_movies_original_title_trgm")
        op.execute("DROP INDEX IF EXISTS ix_movies_title_trgm")
        op.execute("ALTER TABLE showtimes DROP CONSTRAINT IF EXISTS ex_showtimes_screen_no_overlap")
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index('ix_invoices_payment')

    op.drop_table('invoices')
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index('ix_refunds_request_key')
        batch_op.drop_index('ix_refunds_payment')

    op.drop_table('refunds')
    with op.batch_alter_table('promo_redemptions', schema=None) as batch_op:
        batch_op.drop_index('uq_promo_redemptions_booking')
        batch_op.drop_index('ix_promo_redemptions_code_user')

    op.drop_table('promo_redemptions')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('ix_payments_user')
        batch_op.drop_index('ix_payments_booking')

    op.drop_table('payments')
    with op.batch_alter_table('booking_seats', schema=None) as batch_op:
        batch_op.drop_index('uq_booking_seats_active', postgresql_where=sa.text("active"), sqlite_where=sa.text("active"))
        batch_op.drop_index('ix_booking_seats_booking')

    op.drop_table('booking_seats')
    with op.batch_alter_table('price_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_price_changes_showtime_time')

    op.drop_table('price_changes')
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index('ix_bookings_user_created')
        batch_op.drop_index('ix_bookings_showtime_status')
        batch_op.drop_index('ix_bookings_pending_expiry', postgresql_where=sa.text("status = 'pending_payment'"), sqlite_where=sa.text("status = 'pending_payment'"))

    op.drop_table('bookings')
    with op.batch_alter_table('showtimes', schema=None) as batch_op:
        batch_op.drop_index('ix_showtimes_screen_starts')
        batch_op.drop_index('ix_showtimes_movie_starts')
        batch_op.drop_index('ix_showtimes_cinema_starts')

    op.drop_table('showtimes')
    with op.batch_alter_table('seats', schema=None) as batch_op:
        batch_op.drop_index('uq_seats_active_label', postgresql_where=sa.text("active"), sqlite_where=sa.text("active"))
        batch_op.drop_index('ix_seats_screen_active')

    op.drop_table('seats')
    with op.batch_alter_table('seat_category_prices', schema=None) as batch_op:
        batch_op.drop_index('uq_seat_category_prices_scope', postgresql_nulls_not_distinct=True)

    op.drop_table('seat_category_prices')
    with op.batch_alter_table('screen_closures', schema=None) as batch_op:
        batch_op.drop_index('ix_screen_closures_screen_time')

    op.drop_table('screen_closures')
    with op.batch_alter_table('movie_genres', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_movie_genres_genre_id'))

    op.drop_table('movie_genres')
    with op.batch_alter_table('movie_formats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_movie_formats_format'))

    op.drop_table('movie_formats')
    with op.batch_alter_table('user_cinemas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_cinemas_cinema_id'))

    op.drop_table('user_cinemas')
    with op.batch_alter_table('screens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screens_cinema_id'))

    op.drop_table('screens')
    with op.batch_alter_table('refresh_token_families', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refresh_token_families_user_id'))

    op.drop_table('refresh_token_families')
    with op.batch_alter_table('pricing_rules', schema=None) as batch_op:
        batch_op.drop_index('ix_pricing_rules_cinema_kind')

    op.drop_table('pricing_rules')
    with op.batch_alter_table('optimisation_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_optimisation_runs_cinema_status')

    op.drop_table('optimisation_runs')
    with op.batch_alter_table('one_time_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_one_time_tokens_user_id'))

    op.drop_table('one_time_tokens')
    with op.batch_alter_table('movies', schema=None) as batch_op:
        batch_op.drop_index('ix_movies_status_release')
        batch_op.drop_index('ix_movies_release_date')
        batch_op.drop_index('ix_movies_language')
        batch_op.drop_index('ix_movies_age_rating')

    op.drop_table('movies')
    op.drop_table('invoice_counters')
    op.drop_table('idempotency_records')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('uq_users_email')

    op.drop_table('users')
    op.drop_table('promo_codes')
    op.drop_table('payment_events')
    op.drop_table('genres')
    op.drop_table('cinemas')
    op.drop_table('age_ratings')
