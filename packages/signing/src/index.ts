export {
  signV1,
  verifyV1,
  type SignV1Input,
  type VerifyV1Input,
  type VerifyResult,
  type VerifyFailure,
} from './sign-v1';
