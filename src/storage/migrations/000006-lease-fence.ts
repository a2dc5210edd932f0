/**
 * The leader's write fence as one server-side call, so a fenced write can be
 * sent with its statement in one round trip (see fencedDatabase): the call
 * locks the lease row `for key share` (a takeover, which locks it `for
 * update`, waits for the write; the holder's renewal does not), and
 * raises instead of answering when the term is over, so the statements sent
 * behind it in the same transaction never run. SQLSTATE SF001: another
 * holder or epoch; SF002: the lease expired and nobody renewed it yet.
 */
export const m000006 = [
  `create or replace function sundial_fence(lease_name text, term_holder text, term_epoch bigint)
   returns void language plpgsql as $$
   declare
     held record;
   begin
     -- A writer frozen inside an explicit transaction would hold the lease row and block the
     -- takeover: PostgreSQL ends its session once it idles 2 s inside the transaction.
     perform set_config('idle_in_transaction_session_timeout', '2s', true);
     select holder, epoch, expires_at > now() as live into held
       from leases where name = lease_name for key share;
     if not found or held.holder <> term_holder or held.epoch <> term_epoch then
       raise exception 'write refused: epoch % of lease % is over', term_epoch, lease_name
         using errcode = 'SF001';
     end if;
     if not held.live then
       raise exception 'write refused: lease % (epoch %) expired', lease_name, term_epoch
         using errcode = 'SF002';
     end if;
   end
   $$`,
];
