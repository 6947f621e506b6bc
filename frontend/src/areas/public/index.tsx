import { CertificateCheckPage } from "./CertificateCheckPage";

/** The public pages (no login): the certificate check (/sertifikat/:number), a chunk of its own. */
export default function PublicArea() {
  return <CertificateCheckPage />;
}
