import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'vibot:public';

/** Opts a controller or route out of bearer authentication (health, metrics). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
