export { bumpTimestamp } from './bump-timestamp.js';
export { addPublisher, addRelease, editIndex, type IndexSigning, setReleaseStatus } from './edit-index.js';
export { initRepository, type RoleKeys, rootBody, rotateRoot } from './init-repository.js';
export { DEFAULT_EXPIRY_SEC, expiresIn, readRepoDocument, writeRepoDocument } from './repository-files.js';
export { type DirectoryServer, serveDirectory } from './serve-directory.js';
export { signRelease } from './sign-release.js';
