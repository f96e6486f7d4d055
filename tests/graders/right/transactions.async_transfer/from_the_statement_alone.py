# exercise: transactions.async_transfer
# right: an examiner's answer, written from the statement alone
# event.listen on the sync engine; two single-row SELECT ... FOR UPDATE in id order
from typing import Any

from sqlalchemy import CheckConstraint, Connection, event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint("balance_cents >= 0", name="no_overdraft"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    balance_cents: Mapped[int]


def _driver_leaves_transactions_alone(dbapi_connection: Any, _record: Any) -> None:
    # the driver must not begin transactions on its own: SQLAlchemy's "begin" does it
    dbapi_connection.isolation_level = None


def _begin_with_the_write_lock(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_sessions(url: str) -> async_sessionmaker[AsyncSession]:
    """A session factory for `url` whose transactions lock what a transfer needs."""
    engine = create_async_engine(url)
    if engine.dialect.name == "sqlite":
        # SQLite ignores FOR UPDATE; take the database's write lock when a transaction begins
        event.listen(engine.sync_engine, "connect", _driver_leaves_transactions_alone)
        event.listen(engine.sync_engine, "begin", _begin_with_the_write_lock)
    return async_sessionmaker(bind=engine, class_=AsyncSession, expire_on_commit=False)


async def transfer(
    sessions: async_sessionmaker[AsyncSession], src: int, dst: int, amount_cents: int
) -> int:
    """Move amount_cents from src to dst in one transaction; return src's new balance."""
    if type(amount_cents) is not int:
        raise TypeError(f"amount_cents must be an int, not {type(amount_cents).__name__}")
    if amount_cents <= 0:
        raise ValueError(f"amount_cents must be positive, got {amount_cents}")
    if src == dst:
        raise ValueError(f"source and destination are the same account: {src}")

    async with sessions.begin() as session:
        locked: dict[int, Account] = {}
        for account_id in sorted((src, dst)):  # one global lock order: no deadlock
            account = await session.scalar(
                select(Account).where(Account.id == account_id).with_for_update()
            )
            if account is None:
                raise UnknownAccount(f"no account {account_id}")
            locked[account_id] = account
        source, target = locked[src], locked[dst]
        if source.balance_cents < amount_cents:
            raise InsufficientFunds(f"account {src} has insufficient funds")
        source.balance_cents -= amount_cents
        target.balance_cents += amount_cents
    # committed: with expire_on_commit=False the object still holds the committed value
    return source.balance_cents
