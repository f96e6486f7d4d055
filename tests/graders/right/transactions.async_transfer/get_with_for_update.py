# exercise: transactions.async_transfer
# right: session.get(..., with_for_update=True) for each id in sorted order, listeners added with @event.listens_for
from typing import Any

from sqlalchemy import CheckConstraint, Connection, event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint("balance_cents >= 0", name="no_overdraft"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    balance_cents: Mapped[int]


def make_sessions(url: str) -> async_sessionmaker[AsyncSession]:
    """A session factory for `url` whose transactions lock what a transfer needs."""
    engine = create_async_engine(url, pool_pre_ping=True)
    if url.startswith("sqlite"):

        @event.listens_for(engine.sync_engine, "connect")
        def no_pysqlite_begin(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        @event.listens_for(engine.sync_engine, "begin")
        def begin_immediate(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return async_sessionmaker(bind=engine, class_=AsyncSession, expire_on_commit=False)


async def transfer(
    sessions: async_sessionmaker[AsyncSession], src: int, dst: int, amount_cents: int
) -> int:
    """Move amount_cents from src to dst in one transaction; return src's new balance."""
    if type(amount_cents) is not int:
        raise TypeError("amount_cents must be an int")
    if amount_cents <= 0 or src == dst:
        raise ValueError("a transfer needs a positive amount and two different accounts")
    async with sessions() as session, session.begin():
        locked: dict[int, Account] = {}
        for account_id in sorted((src, dst)):
            account = await session.get(Account, account_id, with_for_update=True)
            if account is None:
                raise UnknownAccount(account_id)
            locked[account_id] = account
        source, target = locked[src], locked[dst]
        if source.balance_cents < amount_cents:
            raise InsufficientFunds(src)
        source.balance_cents -= amount_cents
        target.balance_cents += amount_cents
    return source.balance_cents
