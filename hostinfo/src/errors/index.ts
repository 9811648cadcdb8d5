export {
  HOSTINFO_ERROR_CODES,
  HostinfoError,
  type HostinfoErrorCode,
  hostinfoError,
  isHostinfoError,
} from './hostinfo-error.js';
