/** Minimal XML writing for S3 responses (S3 answers XML, the SDK parses it by element name). */

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A value, or nested elements given as [name, value] pairs (repeated names allowed). */
export type XmlNode = string | number | boolean | XmlElement[];
export type XmlElement = [string, XmlNode];

export function xmlElements(elements: XmlElement[]): string {
  return elements
    .map(
      ([name, value]) =>
        `<${name}>${Array.isArray(value) ? xmlElements(value) : escapeXml(String(value))}</${name}>`,
    )
    .join('');
}

export function xmlDocument(root: string, elements: XmlElement[], namespace = true): string {
  const ns = namespace ? ' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"' : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${ns}>${xmlElements(elements)}</${root}>`;
}

/** The S3 error body: `<Error><Code>NoSuchKey</Code><Message>...</Message>...</Error>`. */
export function xmlError(
  code: string,
  message: string,
  requestId: string,
  extra: Record<string, string> = {},
): string {
  return xmlDocument(
    'Error',
    [['Code', code], ['Message', message], ...Object.entries(extra), ['RequestId', requestId]],
    false,
  );
}
