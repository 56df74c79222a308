"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 20:24:29.694200
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import store.types


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('clients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('registered_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('internal_comment', sa.Text(), nullable=False),
    sa.Column('balance_cents', sa.BigInteger(), nullable=False),
    sa.Column('incidents_left', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clients')),
    sa.UniqueConstraint('email', name=op.f('uq_clients_email'))
    )
    op.create_table('departments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('per_incident', sa.Boolean(), nullable=False),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_departments')),
    sa.UniqueConstraint('name', name=op.f('uq_departments_name'))
    )
    op.create_table('settings',
    sa.Column('key', sa.String(length=63), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=63), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff')),
    sa.UniqueConstraint('login', name=op.f('uq_staff_login'))
    )
    op.create_table('memberships',
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('is_head', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_memberships_department_id_departments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_memberships_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('staff_id', 'department_id', name=op.f('pk_memberships'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_department_id'), ['department_id'], unique=False)

    op.create_table('reply_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('department_id IS NULL OR staff_id IS NULL', name=op.f('ck_reply_templates_one_scope')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_reply_templates_department_id_departments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_reply_templates_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_templates'))
    )
    with op.batch_alter_table('reply_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reply_templates_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reply_templates_staff_id'), ['staff_id'], unique=False)

    op.create_table('services',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('domain', sa.String(length=253), nullable=True),
    sa.CheckConstraint("kind <> 'domain' OR domain IS NOT NULL", name=op.f('ck_services_domain_has_name')),
    sa.CheckConstraint("kind IN ('domain', 'vps', 'hosting', 'other')", name=op.f('ck_services_kind')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_services_client_id_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_services'))
    )
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_services_client_id'), ['client_id'], unique=False)

    op.create_table('staff_settings',
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=63), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_staff_settings_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('staff_id', 'key', name=op.f('pk_staff_settings'))
    )
    op.create_table('tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('responsible_staff_id', sa.Integer(), nullable=True),
    sa.Column('priority', sa.SmallInteger(), nullable=False),
    sa.Column('placed_first', sa.Boolean(), nullable=False),
    sa.Column('delayed_until', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('locked_by_id', sa.Integer(), nullable=True),
    sa.Column('lock_token', sa.String(length=32), nullable=True),
    sa.Column('locked_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('archived_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('client_unread', sa.Integer(), nullable=False),
    sa.Column('incidents', sa.Integer(), nullable=False),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('awaiting_staff', sa.Boolean(), nullable=False),
    sa.Column('waiting_since', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('split_from_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(locked_by_id IS NULL) = (lock_token IS NULL) AND (locked_by_id IS NULL) = (locked_at IS NULL)', name=op.f('ck_tickets_lock_whole')),
    sa.CheckConstraint('client_unread >= 0', name=op.f('ck_tickets_client_unread')),
    sa.CheckConstraint('incidents >= 0', name=op.f('ck_tickets_incidents')),
    sa.CheckConstraint('priority BETWEEN 1 AND 4', name=op.f('ck_tickets_priority')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_tickets_client_id_clients')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_tickets_department_id_departments')),
    sa.ForeignKeyConstraint(['locked_by_id'], ['staff.id'], name=op.f('fk_tickets_locked_by_id_staff')),
    sa.ForeignKeyConstraint(['responsible_staff_id'], ['staff.id'], name=op.f('fk_tickets_responsible_staff_id_staff')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_tickets_service_id_services'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['split_from_id'], ['tickets.id'], name=op.f('fk_tickets_split_from_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tickets'))
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_activity', [sa.literal_column('updated_at DESC'), sa.literal_column('id DESC')], unique=False)
        batch_op.create_index('ix_tickets_client', ['client_id', sa.literal_column('updated_at DESC')], unique=False)
        batch_op.create_index('ix_tickets_delayed', ['delayed_until'], unique=False, sqlite_where=sa.text('delayed_until IS NOT NULL'), postgresql_where=sa.text('delayed_until IS NOT NULL'))
        batch_op.create_index('ix_tickets_locked_by', ['locked_by_id'], unique=False, sqlite_where=sa.text('locked_by_id IS NOT NULL'), postgresql_where=sa.text('locked_by_id IS NOT NULL'))
        batch_op.create_index('ix_tickets_queue', [sa.literal_column('placed_first DESC'), sa.literal_column('awaiting_staff DESC'), 'waiting_since', 'id'], unique=False, sqlite_where=sa.text('is_open'), postgresql_where=sa.text('is_open'))
        batch_op.create_index('ix_tickets_queue_priority', [sa.literal_column('placed_first DESC'), sa.literal_column('priority DESC'), sa.literal_column('awaiting_staff DESC'), 'waiting_since', 'id'], unique=False, sqlite_where=sa.text('is_open'), postgresql_where=sa.text('is_open'))
        batch_op.create_index(batch_op.f('ix_tickets_service_id'), ['service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_split_from_id'), ['split_from_id'], unique=False)

    op.create_table('abuse_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=50), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_abuse_cases_client_id_clients')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_abuse_cases_service_id_services'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_abuse_cases_staff_id_staff')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_abuse_cases_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_abuse_cases'))
    )
    with op.batch_alter_table('abuse_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_abuse_cases_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_abuse_cases_service_id'), ['service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_abuse_cases_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('charges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_charges_amount_positive')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_charges_client_id_clients')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_charges_staff_id_staff')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_charges_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charges'))
    )
    with op.batch_alter_table('charges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charges_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_charges_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('internal_comment', sa.Text(), nullable=False),
    sa.Column('updated_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(staff_id IS NULL) <> (client_id IS NULL)', name=op.f('ck_drafts_staff_or_client')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_drafts_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_drafts_staff_id_staff'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_drafts_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drafts'))
    )
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.create_index('uq_drafts_client_ticket', ['client_id', 'ticket_id'], unique=True, sqlite_where=sa.text('client_id IS NOT NULL'), postgresql_where=sa.text('client_id IS NOT NULL'))
        batch_op.create_index('uq_drafts_staff_ticket', ['staff_id', 'ticket_id'], unique=True, sqlite_where=sa.text('staff_id IS NOT NULL'), postgresql_where=sa.text('staff_id IS NOT NULL'))

    op.create_table('favorites',
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_favorites_staff_id_staff'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_favorites_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('staff_id', 'ticket_id', name=op.f('pk_favorites'))
    )
    with op.batch_alter_table('favorites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_favorites_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('holders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('opened_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(department_id IS NULL) <> (staff_id IS NULL)', name=op.f('ck_holders_department_or_staff')),
    sa.CheckConstraint('is_open = (closed_at IS NULL)', name=op.f('ck_holders_closed_when_not_open')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_holders_department_id_departments')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_holders_staff_id_staff')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_holders_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holders'))
    )
    with op.batch_alter_table('holders', schema=None) as batch_op:
        batch_op.create_index('ix_holders_department', ['department_id', 'ticket_id', 'is_open'], unique=False, sqlite_where=sa.text('department_id IS NOT NULL'), postgresql_where=sa.text('department_id IS NOT NULL'))
        batch_op.create_index('ix_holders_staff', ['staff_id', 'ticket_id', 'is_open'], unique=False, sqlite_where=sa.text('staff_id IS NOT NULL'), postgresql_where=sa.text('staff_id IS NOT NULL'))
        batch_op.create_index('ix_holders_ticket', ['ticket_id', 'is_open'], unique=False)
        batch_op.create_index('uq_holders_ticket_department', ['ticket_id', 'department_id'], unique=True, sqlite_where=sa.text('department_id IS NOT NULL'), postgresql_where=sa.text('department_id IS NOT NULL'))
        batch_op.create_index('uq_holders_ticket_staff', ['ticket_id', 'staff_id'], unique=True, sqlite_where=sa.text('staff_id IS NOT NULL'), postgresql_where=sa.text('staff_id IS NOT NULL'))

    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('author_staff_id', sa.Integer(), nullable=True),
    sa.Column('author_client_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('edited_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('client', 'staff', 'internal', 'system')", name=op.f('ck_messages_kind')),
    sa.ForeignKeyConstraint(['author_client_id'], ['clients.id'], name=op.f('fk_messages_author_client_id_clients')),
    sa.ForeignKeyConstraint(['author_staff_id'], ['staff.id'], name=op.f('fk_messages_author_staff_id_staff')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_messages_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_ticket', ['ticket_id', 'id'], unique=False)

    op.create_table('seen_marks',
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('seen_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_seen_marks_staff_id_staff'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_seen_marks_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('staff_id', 'ticket_id', name=op.f('pk_seen_marks'))
    )
    with op.batch_alter_table('seen_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seen_marks_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('ticket_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_ticket_events_client_id_clients')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_ticket_events_staff_id_staff')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_events_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_events'))
    )
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_events_ticket', ['ticket_id', 'id'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=127), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_attachments_message_id_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_message_id'), ['message_id'], unique=False)

    op.create_table('message_edits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('previous_body', sa.Text(), nullable=False),
    sa.Column('edited_by_id', sa.Integer(), nullable=False),
    sa.Column('edited_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['edited_by_id'], ['staff.id'], name=op.f('fk_message_edits_edited_by_id_staff')),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_message_edits_message_id_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_edits'))
    )
    with op.batch_alter_table('message_edits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_edits_message_id'), ['message_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('message_edits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_edits_message_id'))

    op.drop_table('message_edits')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_message_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_events_ticket')

    op.drop_table('ticket_events')
    with op.batch_alter_table('seen_marks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seen_marks_ticket_id'))

    op.drop_table('seen_marks')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_ticket')

    op.drop_table('messages')
    with op.batch_alter_table('holders', schema=None) as batch_op:
        batch_op.drop_index('uq_holders_ticket_staff', sqlite_where=sa.text('staff_id IS NOT NULL'), postgresql_where=sa.text('staff_id IS NOT NULL'))
        batch_op.drop_index('uq_holders_ticket_department', sqlite_where=sa.text('department_id IS NOT NULL'), postgresql_where=sa.text('department_id IS NOT NULL'))
        batch_op.drop_index('ix_holders_ticket')
        batch_op.drop_index('ix_holders_staff', sqlite_where=sa.text('staff_id IS NOT NULL'), postgresql_where=sa.text('staff_id IS NOT NULL'))
        batch_op.drop_index('ix_holders_department', sqlite_where=sa.text('department_id IS NOT NULL'), postgresql_where=sa.text('department_id IS NOT NULL'))

    op.drop_table('holders')
    with op.batch_alter_table('favorites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_favorites_ticket_id'))

    op.drop_table('favorites')
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_index('uq_drafts_staff_ticket', sqlite_where=sa.text('staff_id IS NOT NULL'), postgresql_where=sa.text('staff_id IS NOT NULL'))
        batch_op.drop_index('uq_drafts_client_ticket', sqlite_where=sa.text('client_id IS NOT NULL'), postgresql_where=sa.text('client_id IS NOT NULL'))

    op.drop_table('drafts')
    with op.batch_alter_table('charges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charges_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_charges_client_id'))

    op.drop_table('charges')
    with op.batch_alter_table('abuse_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_abuse_cases_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_abuse_cases_service_id'))
        batch_op.drop_index(batch_op.f('ix_abuse_cases_client_id'))

    op.drop_table('abuse_cases')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tickets_split_from_id'))
        batch_op.drop_index(batch_op.f('ix_tickets_service_id'))
        batch_op.drop_index('ix_tickets_queue_priority', sqlite_where=sa.text('is_open'), postgresql_where=sa.text('is_open'))
        batch_op.drop_index('ix_tickets_queue', sqlite_where=sa.text('is_open'), postgresql_where=sa.text('is_open'))
        batch_op.drop_index('ix_tickets_locked_by', sqlite_where=sa.text('locked_by_id IS NOT NULL'), postgresql_where=sa.text('locked_by_id IS NOT NULL'))
        batch_op.drop_index('ix_tickets_delayed', sqlite_where=sa.text('delayed_until IS NOT NULL'), postgresql_where=sa.text('delayed_until IS NOT NULL'))
        batch_op.drop_index('ix_tickets_client')
        batch_op.drop_index('ix_tickets_activity')

    op.drop_table('tickets')
    op.drop_table('staff_settings')
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_services_client_id'))

    op.drop_table('services')
    with op.batch_alter_table('reply_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reply_templates_staff_id'))
        batch_op.drop_index(batch_op.f('ix_reply_templates_department_id'))

    op.drop_table('reply_templates')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberships_department_id'))

    op.drop_table('memberships')
    op.drop_table('staff')
    op.drop_table('settings')
    op.drop_table('departments')
    op.drop_table('clients')
