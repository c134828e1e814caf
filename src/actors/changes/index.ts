export { CHANGE_FEED_RETENTION, FEED_START, type Change, type ChangeFeed, type ChangePage, type ChangeRecord } from './change-feed.ts';
export { ChangeCursorError, isChangeCursorError } from './change-cursor-error.ts';
export { RedisChangeFeed } from './redis-change-feed.ts';
export { SqliteChangeFeed } from './sqlite-change-feed.ts';
