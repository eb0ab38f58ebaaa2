-- The projector's checkpoint move as one statement that fails when the checkpoint is not where
-- the batch started (compare-and-set), so a batch's rows, its checkpoint and its commit can be
-- sent together in one round trip and never commit without the checkpoint moving.
CREATE FUNCTION public.move_projection_checkpoint(
    p_name text, p_from_commit bigint, p_from_prepare bigint, p_to_commit bigint, p_to_prepare bigint, p_applied bigint)
  RETURNS void
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  UPDATE public.projection_checkpoints
     SET commit_position = p_to_commit, prepare_position = p_to_prepare,
         events_applied = events_applied + p_applied, updated_at = now()
   WHERE name = p_name AND commit_position = p_from_commit AND prepare_position = p_from_prepare;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'checkpoint of projection % moved', p_name USING ERRCODE = 'VB409';
  END IF;
  -- Delivered when the transaction commits: whoever waits for a position wakes at once.
  PERFORM pg_notify('projection_checkpoint', p_name || ' ' || p_to_commit || '/' || p_to_prepare);
END
$$;
REVOKE ALL ON FUNCTION public.move_projection_checkpoint(text, bigint, bigint, bigint, bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.move_projection_checkpoint(text, bigint, bigint, bigint, bigint, bigint) TO service_role;
