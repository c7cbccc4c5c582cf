import { ButtonIcon, Flex, Text } from '@backstage/ui';
import FileCopyOutlined from '@material-ui/icons/FileCopyOutlined';
import CheckIcon from '@material-ui/icons/Check';
import useCopyToClipboard from 'react-use/esm/useCopyToClipboard';
import { shortDigest } from '../../lib/presentation';

/** Props of {@link ImageReference}. */
export interface ImageReferenceProps {
  reference: string;
}

/**
 * An image reference shortened to its digest (`sha256:0123456789ab`), with
 * the full reference in the tooltip and a button that copies it.
 */
export function ImageReference(props: ImageReferenceProps) {
  const { reference } = props;
  const [copied, copy] = useCopyToClipboard();
  const done = copied.value === reference;
  return (
    <Flex align="center" gap="1">
      <Text
        as="span"
        variant="body-small"
        title={reference}
        style={{ fontFamily: 'monospace' }}
      >
        {shortDigest(reference)}
      </Text>
      <ButtonIcon
        aria-label={done ? 'Image reference copied' : 'Copy image reference'}
        variant="tertiary"
        size="small"
        icon={
          done ? (
            <CheckIcon fontSize="inherit" />
          ) : (
            <FileCopyOutlined fontSize="inherit" />
          )
        }
        onPress={() => copy(reference)}
      />
    </Flex>
  );
}
