# exercise: transactions.async_transfer
# right: locks with a Core select of (id, balance), then UPDATE ... RETURNING for the new balance
from typing import Any

from sqlalchemy import CheckConstraint, Connection, event, make_url, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint("balance_cents >= 0", name="no_overdraft"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    balance_cents: Mapped[int]


def _driver_autocommit(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None


def _reserve(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_sessions(url: str) -> async_sessionmaker[AsyncSession]:
    """A session factory for `url` whose transactions lock what a transfer needs."""
    engine = create_async_engine(url)
    if make_url(url).get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _driver_autocommit)
        event.listen(engine.sync_engine, "begin", _reserve)
    return async_sessionmaker(engine, expire_on_commit=False)


async def transfer(
    sessions: async_sessionmaker[AsyncSession], src: int, dst: int, amount_cents: int
) -> int:
    """Move amount_cents from src to dst in one transaction; return src's new balance."""
    if not isinstance(amount_cents, int) or isinstance(amount_cents, bool):
        raise TypeError(f"{amount_cents!r} is not a whole number of cents")
    if amount_cents < 1:
        raise ValueError(f"{amount_cents} is not a positive amount")
    if src == dst:
        raise ValueError("cannot move money to the same account")
    async with sessions.begin() as session:
        found = await session.execute(
            select(Account.id, Account.balance_cents)
            .where(Account.id.in_([src, dst]))
            .order_by(Account.id.asc())
            .with_for_update()
        )
        balances = dict(found.tuples().all())
        if src not in balances or dst not in balances:
            raise UnknownAccount(f"{src} or {dst}")
        if balances[src] < amount_cents:
            raise InsufficientFunds(src)
        await session.execute(
            update(Account)
            .where(Account.id == dst)
            .values(balance_cents=Account.balance_cents + amount_cents)
        )
        debited = await session.execute(
            update(Account)
            .where(Account.id == src)
            .values(balance_cents=Account.balance_cents - amount_cents)
            .returning(Account.balance_cents)
        )
        new_balance: int = debited.scalar_one()
    return new_balance
