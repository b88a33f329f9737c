import mongoose from 'mongoose';

// Every model imports mongoose from here, so these settings apply before any model is compiled.
// Commands fail at once while the database is unreachable (the error handler answers 503)
// instead of queueing for 10 s in Mongoose's buffer.
mongoose.set('bufferCommands', false);
// Collections and indexes are created explicitly after connecting (see connection.ts), not on import.
mongoose.set('autoCreate', false);
mongoose.set('autoIndex', false);
mongoose.set('strictQuery', true);

export default mongoose;
export { Schema, Types } from 'mongoose';
export type { Model, PipelineStage } from 'mongoose';
