# exercise: transactions.async_transfer
# wrong: keeps async_sessionmaker's default expire_on_commit=True and reads the balance after the commit
# caught-by: test_async_refusals_and_result
# hint: expire_on_commit
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


def make_sessions(url: str) -> async_sessionmaker[AsyncSession]:
    """A session factory for `url` whose transactions lock what a transfer needs."""
    engine = create_async_engine(url)
    if engine.dialect.name == "sqlite":

        def leave_transactions_to_sqlalchemy(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        def take_the_write_lock(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        event.listen(engine.sync_engine, "connect", leave_transactions_to_sqlalchemy)
        event.listen(engine.sync_engine, "begin", take_the_write_lock)
    return async_sessionmaker(engine)


async def transfer(
    sessions: async_sessionmaker[AsyncSession], src: int, dst: int, amount_cents: int
) -> int:
    """Move amount_cents from src to dst in one transaction; return src's new balance."""
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise TypeError(f"amount_cents must be an int, got {amount_cents!r}")
    if amount_cents <= 0:
        raise ValueError(f"the amount must be a positive number of cents, got {amount_cents}")
    if src == dst:
        raise ValueError(f"cannot transfer from account {src} to itself")
    async with sessions.begin() as session:
        rows = await session.scalars(
            select(Account)
            .where(Account.id.in_((src, dst)))
            .order_by(Account.id)
            .with_for_update()
        )
        accounts = {account.id: account for account in rows}
        for account_id in (src, dst):
            if account_id not in accounts:
                raise UnknownAccount(f"account {account_id}")
        if accounts[src].balance_cents < amount_cents:
            raise InsufficientFunds(f"account {src}")
        accounts[src].balance_cents -= amount_cents
        accounts[dst].balance_cents += amount_cents
    return accounts[src].balance_cents
