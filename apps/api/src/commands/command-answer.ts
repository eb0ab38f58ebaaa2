import { ApiProperty } from '@nestjs/swagger';
import type { CommandOutcome } from '#infra/commands/command-pipeline';
import { formatPosition } from '#infra/event-log/position';

/** What every command answers: enough to address the entity, guard the next edit, and read your write. */
export class CommandAnswer {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '1', description: 'The entity revision: send it back as If-Match' }) revision!: string;
  @ApiProperty({ example: 'company-9b2f…' }) stream!: string;
  @ApiProperty({ example: '7' }) streamRevision!: string;
  @ApiProperty({ nullable: true, type: String, example: '1234/56', description: 'Send as X-Min-Position to read your write' })
  position!: string | null;
}

export function commandAnswer(id: string, revision: bigint | number, outcome: CommandOutcome<unknown, unknown>): CommandAnswer {
  return {
    id,
    revision: revision.toString(),
    stream: outcome.stream,
    streamRevision: outcome.streamRevision.toString(),
    position: outcome.position === undefined ? null : formatPosition(outcome.position),
  };
}
